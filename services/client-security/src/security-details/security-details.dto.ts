import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Omittable } from '@cms/platform';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import {
  CHECK_CHANNELS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  UNBLOCK_VERIFICATIONS,
  type CheckChannel,
  type UnblockVerification,
} from './security-rules';

// Shapes only; the rules of SD-1 (seven digits, not all zeroes; password length) are applied by the
// service so that refusals name rule and requirement. Length caps keep junk out before hashing.
const PIN_DESCRIPTION =
  'Seven digits, not all zeroes (SD-1). A string, so leading zeroes count. Never returned or logged.';
const PASSWORD_DESCRIPTION =
  `The client's special password, of their own choosing: ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters, ` +
  'no control characters, no space at either end. Case sensitive on the self-service portal, not on the phone ' +
  '(SD-19). Never returned or logged.';

/**
 * Body of `POST /clients/{clientId}/security-details`: security set-up for a client (SD-22). Whether
 * the client gets a TAM account (SD-21) is read from their cases in service-requests, never sent.
 */
export class SetUpClientSecurityDto {
  @ApiProperty({ example: '4829175', description: PIN_DESCRIPTION })
  @IsString()
  @MaxLength(64)
  pin: string;

  @ApiProperty({ example: 'Blue Heron 42', description: PASSWORD_DESCRIPTION })
  @IsString()
  @MaxLength(200)
  password: string;
}

/** Body of `POST /representatives/{representativeId}/security-details`: a representative's own details (SD-18). */
export class SetUpRepresentativeSecurityDto {
  @ApiProperty({
    format: 'uuid',
    example: '3f2b8c1e-5a4d-4e8f-9b6a-2c7d1e0f9a8b',
    description:
      'The client this representative acts for (service-requests client id); service-requests must hold the ' +
      'representative as a current representative of this client (SD-18).',
  })
  @IsUUID()
  actingForClientId: string;

  @ApiProperty({ example: '7305516', description: PIN_DESCRIPTION })
  @IsString()
  @MaxLength(64)
  pin: string;

  @ApiProperty({ example: 'Harbour Light 7', description: PASSWORD_DESCRIPTION })
  @IsString()
  @MaxLength(200)
  password: string;
}

/** Body of a change of security details (Change - Security Details, steps 11–13; SD-14). */
export class ChangeSecurityDetailsDto {
  @ApiPropertyOptional({
    example: '6150382',
    description: `New PIN. ${PIN_DESCRIPTION} Give the PIN, the password, or both (SD-14).`,
  })
  @Omittable()
  @IsString()
  @MaxLength(64)
  pin?: string;

  @ApiPropertyOptional({
    example: 'Copper Kettle 19',
    description: `New special password. ${PASSWORD_DESCRIPTION}`,
  })
  @Omittable()
  @IsString()
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({
    enum: ['client', 'client-representative'],
    example: 'client',
    default: 'client',
    description:
      "Whose details the SR's Subject Type says are changing. `client-representative` is refused: security " +
      'details cannot be amended for a client representative through the client (SD-18); a representative ' +
      'has details of their own, changed at /representatives/{id}/security-details/change.',
  })
  @IsOptional()
  @IsIn(['client', 'client-representative'])
  subjectType?: 'client' | 'client-representative';

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a1d3c55-0b7e-4f6a-8c2d-5e4f3a2b1c0d',
    description:
      'Required: the open Change Contact/Security Info SR this change is made under (SD-4), whose subject is ' +
      'this client (for a representative, the client they act for); asked of service-requests and kept with ' +
      'the history. Optional in the schema only so that its absence is refused with SERVICE_REQUEST_REQUIRED ' +
      '(SD-4) after SD-22 / SD-21 / SD-11.',
  })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;
}

/** Body of a security check (SD-2, SD-19). */
export class SecurityCheckDto {
  @ApiProperty({
    enum: CHECK_CHANNELS,
    example: 'phone',
    description:
      '`phone`: a caseworker asks for the PIN or the special password (either is enough; every item given must ' +
      'match); the password is compared case-insensitively. `self-service`: the portal supplies both, compared ' +
      'exactly (case sensitive) (SD-19).',
  })
  @IsIn(CHECK_CHANNELS)
  channel: CheckChannel;

  @ApiPropertyOptional({ example: '4829175', description: 'The PIN as given (seven digits).' })
  @Omittable()
  @IsString()
  @MaxLength(64)
  pin?: string;

  @ApiPropertyOptional({ example: 'blue heron 42', description: 'The special password as given.' })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password?: string;
}

/** Body of an unblock (Change - Security Details, step 9 "Unblock User"; SD-3, SD-11). */
export class UnblockDto {
  @ApiProperty({
    enum: UNBLOCK_VERIFICATIONS,
    example: 'transactional questions',
    description:
      "How the caller's identity was confirmed before unblocking (SD-3): their PIN/password, three " +
      'transactional questions, or the returned CMSL9800 form (SD-11).',
  })
  @IsIn(UNBLOCK_VERIFICATIONS)
  verifiedBy: UnblockVerification;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a1d3c55-0b7e-4f6a-8c2d-5e4f3a2b1c0d',
    description:
      'The Change Contact/Security Info SR this unblock is made under (step 9), if raised yet: when given it ' +
      'must be an open one whose subject is this client (for a representative, the client they act for), SD-4.',
  })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;
}
