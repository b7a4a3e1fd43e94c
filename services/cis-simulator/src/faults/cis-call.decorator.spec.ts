import { ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { CisFaultsInterceptor } from './cis-call.decorator';
import { FaultsService } from './faults.service';

/** An injected no-answer fault is logged at debug, never as an error (it used to end in rxjs' EmptyError, a 500). */
describe('CisFaultsInterceptor: an injected no-answer', () => {
  afterEach(() => jest.restoreAllMocks());

  function call(faults: FaultsService) {
    const reply = { hijack: jest.fn(), raw: { destroy: jest.fn() } };
    const context = {
      getHandler: () => () => undefined,
      switchToHttp: () => ({ getResponse: () => reply }),
    } as unknown as ExecutionContext;
    const next = { handle: jest.fn(() => of('answer')) };
    const interceptor = new CisFaultsInterceptor(faults, new Reflector());
    return { reply, next, result: interceptor.intercept(context, next) };
  }

  it('drops the connection, hands Nest nothing to answer with, and logs at debug only', async () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const faults = new FaultsService();
    faults.update({ noAnswerShare: 1, noAnswerHoldMs: 0 });
    const { reply, next, result } = call(faults);
    const handled = lastValueFrom(await result);
    const settled = await Promise.race([
      handled.then(
        () => 'answered',
        (e: Error) => `failed: ${e.name} ${e.message}`,
      ),
      new Promise((resolve) => setTimeout(() => resolve('no answer'), 50)),
    ]);
    expect(settled).toBe('no answer');
    expect(reply.hijack).toHaveBeenCalled();
    expect(reply.raw.destroy).toHaveBeenCalled();
    expect(next.handle).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(expect.stringMatching(/Injected fault: no answer/));
    expect(error).not.toHaveBeenCalled();
    expect(faults.current().counts.noAnswers).toBe(1);
  });

  it('answers normally without faults', async () => {
    const { next, result } = call(new FaultsService());
    await expect(lastValueFrom(await result)).resolves.toBe('answer');
    expect(next.handle).toHaveBeenCalled();
  });
});
