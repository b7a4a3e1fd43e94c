import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { DomainError } from '@cms/domain';
import type { FastifyReply } from 'fastify';
import { catchError, type Observable, throwError } from 'rxjs';
import { CisGateway } from './cis.gateway';

const CIS_DOWN_CODES = new Set(['CIS_UNAVAILABLE', 'CIS_TECHNICAL_ERROR']);

/**
 * Tells a caller refused because CIS could not be reached when to try again: a 503
 * `CIS_UNAVAILABLE` (breaker open) or `CIS_TECHNICAL_ERROR` gets a `Retry-After` header (seconds
 * until the breaker's next trial call, at least 1), the same as the problem's `retryAfterSeconds`.
 */
@Injectable()
export class CisRetryAfterInterceptor implements NestInterceptor {
  constructor(private readonly cis: CisGateway) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (context.getType() === 'http' && e instanceof DomainError && CIS_DOWN_CODES.has(e.code)) {
          const extra = (e.options.extra ??= {});
          if (typeof extra.retryAfterSeconds !== 'number')
            extra.retryAfterSeconds = this.cis.retryAfterSeconds();
          context
            .switchToHttp()
            .getResponse<FastifyReply>()
            .header('retry-after', String(extra.retryAfterSeconds));
        }
        return throwError(() => e);
      }),
    );
  }
}
