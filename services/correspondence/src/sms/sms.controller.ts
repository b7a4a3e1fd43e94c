import { Body, Controller, Get, Headers, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import type { FastifyReply } from 'fastify';
import { ChangeStatusDto } from '../letters/letter.dto';
import { SmsView } from '../letters/letter.view';
import { SendSmsDto } from './sms.dto';
import { SmsService } from './sms.service';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

/**
 * Text messages: send (idempotent, our own services only), read, status. The SMS of a nationally
 * sensitive case, or to a nationally sensitive client, only for sensitive access.
 */
@ApiTags('sms')
@Controller('sms')
@ApiProblems(503)
export class SmsController {
  constructor(private readonly sms: SmsService) {}

  @Post()
  @Roles('system')
  @Access.systemOnly('sent by our own services (e.g. client-security on a security details change, SD-16)')
  @ApiOperation({
    summary:
      'Send a text message from a template (e.g. security details updated, SD-16); handed to the SMS gateway by a job.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Same key and body: the original SMS (200). Same key, different body: 409.',
    example: 'b7a1c9e2-5d3f-4a8b-9c0d-1e2f3a4b5c6d',
  })
  @ApiCreatedResponse({ type: SmsView, description: 'Accepted for sending.' })
  @ApiOkResponse({ type: SmsView, description: 'Sent before with this Idempotency-Key (nothing new sent).' })
  @ApiProblems(409, 422)
  async send(
    @Body() dto: SendSmsDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { view, replayed } = await this.sms.send(dto, key, actor);
    if (replayed) reply.header('idempotent-replayed', 'true');
    await reply.status(replayed ? 200 : 201).send(view);
  }

  @Get(':id')
  @Roles(...STAFF)
  @Access.read('sms', at.param('id'))
  @ApiOperation({ summary: 'An SMS: template and version, text, status; the number masked.' })
  @ApiOkResponse({ type: SmsView })
  @ApiProblems(404)
  get(@Param('id', UuidParamPipe) id: string): Promise<SmsView> {
    return this.sms.get(id);
  }

  @Patch(':id/status')
  @Roles(...STAFF)
  @Access.change('sms', at.param('id'))
  @ApiOperation({ summary: 'Change the status (e.g. delivered or failed, as the SMS gateway reports).' })
  @ApiOkResponse({ type: SmsView })
  @ApiProblems(404, 422)
  status(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ChangeStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<SmsView> {
    return this.sms.changeStatus(id, dto, actor);
  }
}
