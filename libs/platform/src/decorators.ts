import { applyDecorators } from '@nestjs/common';
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
