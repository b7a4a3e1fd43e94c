import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles, Access } from '@cms/platform';
import { FollowUpsService } from './follow-ups.service';

export class FollowUpRunView {
  @ApiProperty({ example: 3, description: 'Follow-ups (waits that ran out) handled by this run' })
  handled: number;
}

/** Operations for tests, demos and operators. */
@ApiTags('internal')
@Controller('internal/follow-ups')
export class InternalController {
  constructor(private readonly followUps: FollowUpsService) {}

  @Post('run')
  @Access.systemOnly('the timer that runs due follow-ups (waits that ran out)')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({ summary: 'Run the wait-expiry sweep now (it also runs every FOLLOW_UP_INTERVAL_MS).' })
  @ApiOkResponse({ type: FollowUpRunView })
  async run(): Promise<{ handled: number }> {
    return { handled: await this.followUps.runDue() };
  }
}
