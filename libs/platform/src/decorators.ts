import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { DomainValidationError } from '@cms/domain';
import { isUUID, ValidateIf } from 'class-validator';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  404: 'Not found.',
  409: 'Conflict: a stale version or a duplicate. Nothing was changed.',
  422: 'The procedure does not allow this now (e.g. an illegal SR transition). Nothing was changed.',
  429: 'Too many attempts; try again later.',
  503: 'A dependency (a peer service or CIS) is unavailable.',
};

/** Documents problem+json error responses specific to an endpoint, e.g. `@ApiProblems(404, 409)`. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? `Error ${status}.`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
      }),
    ),
  );
}

/**
 * Route parameter pipe for ids: passes a UUID through; anything else is a 400 (VALIDATION_FAILED)
 * naming the parameter, e.g. `{ field: 'clientId', rule: 'isUuid' }`. Use as
 * `@Param('clientId', UuidParamPipe)`. (Nest's ParseUUIDPipe says only "uuid is expected".)
 * @throws DomainValidationError
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && isUUID(value)) return value;
    const field = metadata.data ?? 'id';
    throw new DomainValidationError([{ field, rule: 'isUuid', message: `${field} must be a UUID.` }]);
  }
}

/**
 * A field that may be left out, but if present must pass its validators: unlike class-validator's
 * `@IsOptional()`, `null` is not "left out" and is refused (400) rather than reaching the code,
 * e.g. a `password: null` in a security check. Use in place of `@IsOptional()`.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_dto: object, value: unknown) => value !== undefined);
}
