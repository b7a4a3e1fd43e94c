import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import { Roles } from '@cms/platform';
import { DomainError } from '@cms/domain';
import type { FastifyReply } from 'fastify';
import { NEVER, type Observable } from 'rxjs';
import { FaultsService } from './faults.service';

const CIS_CALL = 'cis-sim:cis-call';

/**
 * Answers a CIS call the way the fault settings say: after the added delay, either not at all (the
 * connection is dropped after the hold) or with HTTP 503 problem+json `TECHNICAL_ERROR`, or
 * normally.
 */
@Injectable()
export class CisFaultsInterceptor implements NestInterceptor {
  private readonly logger = new Logger(CisFaultsInterceptor.name);

  constructor(
    private readonly faults: FaultsService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const requirementId = this.reflector.get<string | undefined>(CIS_CALL, context.getHandler());
    const decision = this.faults.decide();
    await this.faults.sleep(decision.delayMs);
    if (decision.outcome === 'no-answer') {
      await this.faults.sleep(decision.holdMs);
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      // Never answer: take the reply away from Fastify and drop the connection.
      reply.hijack();
      reply.raw.destroy();
      // An injected fault is the simulator doing its job: a debug line, not an error. The handler
      // never emits (an empty observable made Nest raise rxjs' EmptyError, logged as a 500).
      this.logger.debug(`Injected fault: no answer (held ${decision.holdMs} ms, connection dropped)`);
      return NEVER;
    }
    if (decision.outcome === 'technical-error') {
      throw new DomainError('TECHNICAL_ERROR', 'unavailable', 'Technical error', {
        requirementId,
        extra: { rejection: 'TECHNICAL_ERROR' },
      });
    }
    return next.handle();
  }
}

/**
 * Marks an endpoint as a call to CIS's web service: role `system`, subject to fault injection, and
 * documented with its 503 technical error. `requirementId` goes into the technical error problem.
 */
export function CisCall(requirementId?: string): MethodDecorator {
  return applyDecorators(
    Roles('system'),
    SetMetadata(CIS_CALL, requirementId),
    UseInterceptors(CisFaultsInterceptor),
    ApiResponse({
      status: 503,
      description:
        'CIS technical error (RD-5): problem+json with code TECHNICAL_ERROR. Nothing was done; the call can be retried.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
    }),
  );
}
