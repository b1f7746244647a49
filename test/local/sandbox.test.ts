import * as path from 'node:path';
import { Sandbox } from '../../local/lambda/sandbox';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'functions');
const sandbox = (name: string, timeoutSeconds = 1) =>
  new Sandbox({ functionName: name, assetDirectory: path.join(FIXTURES, name), handler: 'index.handler', runtime: 'nodejs22.x', timeoutSeconds, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment: {} });

describe('Lambda sandbox', () => {
  it('fails an invocation that outlives its timeout and replaces the sandbox', async () => {
    // Prepare
    const box = sandbox('slow');

    // Act
    const timedOut = await box.invoke({});
    const next = await box.invoke({ fast: true });

    // Assess
    expect(timedOut).toMatchObject({ ok: false, coldStart: true, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' } });
    expect(next).toMatchObject({ ok: true, coldStart: true, result: { fast: true } });
    box.stop();
  });

  it('reports a crash, then serves the next invocation from a fresh process; warm starts reuse the process', async () => {
    const box = sandbox('crash', 5);
    const first = await box.invoke({});
    const warm = await box.invoke({});
    const crashed = await box.invoke({ crash: true });
    const after = await box.invoke({});
    expect([first.coldStart, warm.coldStart, after.coldStart]).toEqual([true, false, true]);
    expect((warm.result as { pid: number }).pid).toBe((first.result as { pid: number }).pid);
    expect(crashed).toMatchObject({ ok: false, error: { errorType: 'Runtime.Error', errorMessage: 'boom outside the handler' } });
    expect((after.result as { pid: number }).pid).not.toBe((first.result as { pid: number }).pid);
    box.stop();
  });

  it('names a handler that the module does not export', async () => {
    const box = new Sandbox({ functionName: 'missing', assetDirectory: path.join(FIXTURES, 'slow'), handler: 'index.nothing', runtime: 'nodejs22.x', timeoutSeconds: 1, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment: {} });
    expect(await box.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothing is undefined or not exported' } });
    box.stop();
  });
});
