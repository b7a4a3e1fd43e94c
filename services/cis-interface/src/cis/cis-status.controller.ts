import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '@cms/platform';
import { type BreakerState, CisGateway } from './cis.gateway';

/** Whether calls to CIS are flowing. */
export class CisStatusView {
  @ApiProperty({
    enum: ['closed', 'open', 'half-open', 'isolated'],
    example: 'closed',
    description:
      'closed: calls go to CIS; open: they fail at once with 503 CIS_UNAVAILABLE; half-open: one trial call',
  })
  breaker: BreakerState;
}

/** The state of the door to CIS, for operators and tests. */
@ApiTags('cis')
@Controller('cis/status')
export class CisStatusController {
  constructor(private readonly cis: CisGateway) {}

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'State of the circuit breaker in front of CIS.' })
  @ApiOkResponse({ type: CisStatusView })
  status(): CisStatusView {
    return { breaker: this.cis.breakerState };
  }
}
