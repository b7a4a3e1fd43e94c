import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import type { FastifyReply } from 'fastify';
import { ChangeStatusDto, IssueLetterDto } from './letter.dto';
import { LetterView } from './letter.view';
import { LettersService } from './letters.service';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;
const PEOPLE = ['caseworker', 'team-leader', 'sensitive-access'] as const;

/**
 * Letters: issue (idempotent), read, download the PDF as sent, review, status. The letters of a
 * nationally sensitive case, or to a nationally sensitive client, only for sensitive access (X-1:
 * each route's access declaration, answered by CorrespondenceAccessRepository).
 */
@ApiTags('letters')
@Controller('letters')
@ApiProblems(503)
export class LettersController {
  constructor(private readonly letters: LettersService) {}

  @Post()
  @Roles(...STAFF)
  @Access.create(
    'letter',
    at.body('caseId', 'case'),
    at.body('recipient.clientId', 'client'),
    at.body('serviceRequestId', 'service-request'),
    at.body('approval.serviceRequestId', 'service-request'),
    at.body('transferReference', 'service-request'),
  )
  @ApiOperation({
    summary:
      "Issue a letter from a template. 'system' mode (system role): printed and posted through the print gateway by a job. " +
      "'clerical' mode (staff): the caseworker prints and posts it. CMSL0406 needs the TL approval (TD-6); another client's " +
      'details only on an approved transfer (TD-1); CMSL9660-9662 clerical at application/new case stage (TD-11).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Same key and body: the original letter (200). Same key, different body: 409.',
    example: '5f0c6c1e-7a0e-4e0b-9a8e-2f0d6b1c3a22',
  })
  @ApiCreatedResponse({ type: LetterView, description: 'Issued.' })
  @ApiOkResponse({
    type: LetterView,
    description: 'Issued before with this Idempotency-Key (nothing new issued).',
  })
  @ApiProblems(409, 422)
  async issue(
    @Body() dto: IssueLetterDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { view, replayed } = await this.letters.issue(dto, key, actor);
    if (replayed) reply.header('idempotent-replayed', 'true');
    await reply.status(replayed ? 200 : 201).send(view);
  }

  @Get(':id')
  @Roles(...STAFF)
  @Access.read('letter', at.param('id'))
  @ApiOperation({
    summary:
      'A letter: template and version, status, mode, recipient, personalisation (bank details masked).',
  })
  @ApiOkResponse({ type: LetterView })
  @ApiProblems(404)
  get(@Param('id', UuidParamPipe) id: string): Promise<LetterView> {
    return this.letters.get(id);
  }

  @Get(':id/pdf')
  @Roles(...STAFF)
  @Access.read('letter', at.param('id'))
  @ApiOperation({
    summary: 'The PDF exactly as issued (application/pdf). Reading one with whole bank details is audited.',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The letter as a PDF.',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems(404)
  async pdf(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const { bytes, filename } = await this.letters.pdf(id, actor);
    return new StreamableFile(bytes, {
      type: 'application/pdf',
      disposition: `inline; filename="${filename}"`,
      length: bytes.length,
    });
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles(...PEOPLE)
  @Access.change('letter', at.param('id'))
  @ApiOperation({
    summary:
      'Record the caseworker review of a letter that waits for it (CMSL9800/9801/9802: "Review the letter before sending") and release it to the print gateway.',
  })
  @ApiOkResponse({ type: LetterView })
  @ApiProblems(404, 422)
  review(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<LetterView> {
    return this.letters.review(id, actor);
  }

  @Patch(':id/status')
  @Roles(...STAFF)
  @Access.change('letter', at.param('id'))
  @ApiOperation({
    summary:
      'Change the status (created → sent | failed; sent → delivered | failed | returned; delivered → returned). ' +
      'Clerical letters are marked sent by hand; system letters become sent through the gateway.',
  })
  @ApiOkResponse({ type: LetterView })
  @ApiProblems(404, 422)
  status(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ChangeStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<LetterView> {
    return this.letters.changeStatus(id, dto, actor);
  }
}
