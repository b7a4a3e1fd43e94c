import {
  applyDecorators,
  type ArgumentMetadata,
  Injectable,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { DomainValidationError } from '@cms/domain';
import { isUUID, ValidateIf } from 'class-validator';
import { ApiProperty, type ApiPropertyOptions, ApiResponse } from '@nestjs/swagger';

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

/** Shorthands of {@link ApiField}'s `type` for the string formats and free-form objects we use. */
const FIELD_SHORTHANDS = {
  date: { type: 'string', format: 'date' },
  'date-time': { type: 'string', format: 'date-time' },
  uuid: { type: 'string', format: 'uuid' },
  /** A free-form JSON object (documented as such, not as an object with no properties). */
  object: { type: 'object', additionalProperties: true },
} as const;

type FieldScalar = 'string' | 'integer' | 'number' | 'boolean';
type FieldClass = Type<unknown> | (() => Type<unknown>) | [Type<unknown>] | [FieldScalar];

/**
 * Options of {@link ApiField}: those of `@ApiProperty`, with `type` required (so that a nullable
 * field is never documented as `type: object`, which is what `string | null` reflects as) and
 * `optional` in place of `required`.
 */
export type ApiFieldOptions = Omit<ApiPropertyOptions, 'type' | 'required' | 'nullable'> & {
  /** 'string', 'integer', 'number', 'boolean'; 'date', 'date-time', 'uuid' (strings of that format);
   *  'object' (free-form); a class (a nested object), `[Class]` or `['string']` (an array). */
  type: FieldScalar | keyof typeof FIELD_SHORTHANDS | FieldClass;
  /** May be null (documented as `nullable: true`; a nullable enum lists null). */
  nullable?: boolean;
  /** May be left out. */
  optional?: boolean;
};

/**
 * One-line OpenAPI declaration of a DTO or view field with its type always explicit, e.g.
 * `@ApiField({ type: 'date', nullable: true, example: '1988-04-17' }) dateOfBirth: IsoDate | null;`
 * or `@ApiField({ type: AddressView, nullable: true, optional: true })`.
 */
export function ApiField(options: ApiFieldOptions): PropertyDecorator {
  const { type, optional, nullable, ...rest } = options;
  const typed =
    typeof type === 'string' && type in FIELD_SHORTHANDS
      ? FIELD_SHORTHANDS[type as keyof typeof FIELD_SHORTHANDS]
      : { type };
  return ApiProperty({
    ...rest,
    ...typed,
    required: !optional,
    ...(nullable ? { nullable: true } : {}),
  } as ApiPropertyOptions);
}
