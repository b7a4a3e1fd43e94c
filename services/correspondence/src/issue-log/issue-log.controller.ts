import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Roles } from '@cms/platform';
import { SensitiveCaseGuard } from '../access/sensitive-case.guard';
import { CorrespondenceItemsService } from '../letters/items.service';
import { IssueLogQuery } from '../letters/letter.dto';
import { IssueLogPageView } from '../letters/letter.view';

/**
 * The issue log: every letter and SMS sent to a client or on a case, newest first. A nationally
 * sensitive case's (or a client on one) only for sensitive access.
 */
@ApiTags('issue-log')
@Controller('issue-log')
@UseGuards(SensitiveCaseGuard)
@ApiProblems(503)
export class IssueLogController {
  constructor(private readonly items: CorrespondenceItemsService) {}

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({
    summary:
      'Letters and SMS of a client (`clientId`) or a case (`caseId`), newest first, paginated with `cursor`.',
  })
  @ApiOkResponse({ type: IssueLogPageView })
  list(@Query() q: IssueLogQuery): Promise<IssueLogPageView> {
    return this.items.issueLog(q);
  }
}
