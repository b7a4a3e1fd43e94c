import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiProblems, at, Roles } from '@cms/platform';
import { CorrespondenceItemsService } from '../letters/items.service';
import { IssueLogQuery } from '../letters/letter.dto';
import { IssueLogPageView } from '../letters/letter.view';

/**
 * The issue log: every letter and SMS sent to a client or on a case, newest first. A nationally
 * sensitive case's, or a nationally sensitive client's, only for sensitive access; and
 * whatever the filter, an entry of a sensitive case or to a sensitive client is never listed to a
 * caller without sensitive access.
 */
@ApiTags('issue-log')
@Controller('issue-log')
@ApiProblems(503)
export class IssueLogController {
  constructor(private readonly items: CorrespondenceItemsService) {}

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @Access.read('issue-log-entry', at.query('caseId', 'case'), at.query('clientId', 'client'))
  @Access.list('issue-log-entry', { items: 'items', subject: { path: 'id', resource: 'issue-log-entry' } })
  @ApiOperation({
    summary:
      'Letters and SMS of a client (`clientId`) or a case (`caseId`), newest first, paginated with `cursor`.',
  })
  @ApiOkResponse({ type: IssueLogPageView })
  list(@Query() q: IssueLogQuery): Promise<IssueLogPageView> {
    return this.items.issueLog(q);
  }
}
