import { BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, DomainValidationError, InsufficientAccessError } from '@cms/domain';
import { RequestContext } from '../src/request-context';
import { KIND_TO_HTTP, toProblem } from '../src/problem';

describe('one problem+json format for every error', () => {
  it.each(Object.entries(KIND_TO_HTTP))('maps kind %s to its status', (kind, { status, title }) => {
    const p = toProblem(new DomainError('SOME_CODE', kind as never, 'detail'));
    expect(p).toMatchObject({
      status,
      title,
      code: 'SOME_CODE',
      detail: 'detail',
      type: 'urn:cms-cis:problem:some-code',
    });
  });

  it('carries field errors and the requirement ID', () => {
    const p = toProblem(
      new DomainValidationError([
        { field: 'pin', rule: 'pin-not-all-zeroes', message: 'x', requirementId: 'SD-1' },
      ]),
    );
    expect(p).toMatchObject({
      status: 400,
      requirementId: 'SD-1',
      errors: [{ field: 'pin', rule: 'pin-not-all-zeroes' }],
    });
  });

  it('titles insufficient access as the procedures do', () => {
    expect(toProblem(new InsufficientAccessError())).toMatchObject({
      status: 403,
      title: 'Insufficient Access',
      requirementId: 'X-1',
    });
  });

  it('keeps 4xx framework errors, and masks anything else as 500 with the request id', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(toProblem(new BadRequestException('bad'))).toMatchObject({ status: 400, detail: 'bad' });
    const masked = RequestContext.run({ requestId: 'req-12345678' }, () =>
      toProblem(new Error('password=hunter2 leaked')),
    );
    expect(masked).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', requestId: 'req-12345678' });
    expect(JSON.stringify(masked)).not.toContain('hunter2');
  });
});
