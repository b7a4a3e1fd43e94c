import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Access, Roles } from '@cms/platform';
import { type BreakerState, CisGateway } from './cis.gateway';

/** Whether calls to CIS are flowing. */
export class CisStatusView {
  @ApiProperty({
    enum: ['closed', 'open', 'half-open', 'isolated'],
    example: 'closed',
    description:
      'closed: calls go to CIS; open: they fail at once with 503 CIS_UNAVAILABLE and Retry-After; half-open: one trial call is in flight',
  })
  breaker: BreakerState;

  @ApiProperty({
    example: 5000,
    description: 'How long the breaker stays open before a trial call (CIS_BREAKER_HALF_OPEN_AFTER_MS)',
  })
  halfOpenAfterMs: number;

  @ApiProperty({
    nullable: true,
    type: Date,
    example: null,
    description: 'While open: when the next call is let through as a trial; null while closed',
  })
  nextProbeAt: Date | null;
}

/** The state of the door to CIS, for operators and tests. */
@ApiTags('cis')
@Controller('cis/status')
export class CisStatusController {
  constructor(private readonly cis: CisGateway) {}

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @Access.noSubject("the circuit breaker's state: no citizen data")
  @ApiOperation({ summary: 'State of the circuit breaker in front of CIS.' })
  @ApiOkResponse({ type: CisStatusView })
  status(): CisStatusView {
    return {
      breaker: this.cis.breakerState,
      halfOpenAfterMs: this.cis.halfOpenAfterMs,
      nextProbeAt: this.cis.nextProbeAt,
    };
  }
}
