import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, Access } from '@cms/platform';
import { FollowUpsService } from './follow-ups.service';

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
  async run(): Promise<{ handled: number }> {
    return { handled: await this.followUps.runDue() };
  }
}
