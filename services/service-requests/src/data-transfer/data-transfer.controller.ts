import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, Min } from 'class-validator';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at, ApiField } from '@cms/platform';
import { ServiceRequestView } from '../service-requests/service-request.view';
import { DataTransferService } from './data-transfer.service';

export class TransferItemsDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiField({
    type: 'object',
    description:
      'Only name, newName, address, postcode, landline, mobile, email and bankDetails (TD-1); verbally, only bankDetails (TD-9)',
    example: {
      mobile: '07700 900123',
      bankDetails: { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' },
    },
  })
  @IsObject()
  items: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'The returned CMSL0405 declaration is signed (TD-4; not needed for domestic violence, TD-11)',
  })
  @IsOptional()
  @IsBoolean()
  declarationSigned?: boolean;

  @ApiPropertyOptional({
    description: 'Verbal route: the consent statement was read and accepted verbatim (TD-9)',
  })
  @IsOptional()
  @IsBoolean()
  consentAccepted?: boolean;
}

/** The items a client wants passed to the other party on a DATA_TRANSFER SR (DataTransferService). */
@ApiTags('service-requests')
@Controller('service-requests/:id/transfer-items')
export class DataTransferController {
  constructor(private readonly transfers: DataTransferService) {}

  @Put()
  @Access.change('service-request', at.param('id'))
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({
    summary:
      'Enter the items to pass on (TD-1), bank details checked first (TD-5); refused once approved (TD-8).',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422)
  record(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: TransferItemsDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.transfers.recordItems(id, dto, actor);
  }
}
