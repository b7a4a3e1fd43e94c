import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Roles } from '@cms/platform';
import { CisCall } from '../faults/cis-call.decorator';
import { RetrievalResponseView, RetrieveDto } from './retrieval.dto';
import { RetrievalService } from './retrieval.service';

/** CIS web service: retrieve personal data (RD). */
@ApiTags('cis')
@Controller('cis/personal-data')
export class RetrievalController {
  constructor(private readonly retrieval: RetrievalService) {}

  @Post('retrieve')
  @HttpCode(200)
  @CisCall('RD-5')
  @Roles('system')
  @Access.systemOnly('CIS: called by cis-interface')
  @ApiOperation({
    summary: 'Retrieve a person’s personal, address and contact data (RD-2..RD-5).',
    description:
      'Always HTTP 200 with `outcome` found (all of CIS’s data with verification statuses; RD-3’s filtering is ' +
      'CMS’s) or rejected with `rejection` NINO_NOT_FOUND, NINO_DELETED, NINO_SUPERSEDED (with `supersededByNino`) ' +
      '(RD-5) or INSUFFICIENT_ACCESS_LEVEL (a nationally sensitive record at standard access, RD-4). The fourth RD-5 ' +
      'rejection, technical error, is HTTP 503 problem+json code TECHNICAL_ERROR so that callers’ retries apply. ' +
      'No interest is needed. The NINO/CRN travels in the body so it stays out of URLs.',
  })
  @ApiOkResponse({ type: RetrievalResponseView })
  retrieve(@Body() dto: RetrieveDto): Promise<RetrievalResponseView> {
    return this.retrieval.retrieve(dto);
  }
}
