import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, type MidwayFault } from '../../local/lambda/sandbox';
import { eventually } from '../../scripts/poll';

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

  it('gives the handler the cloud\'s clock when it runs ahead of the wall clock, and keeps its deadline real', async () => {
    // Prepare: a cloud clock an hour ahead (settling skipped idle time).
    const box = sandbox('clock', 5);
    const hour = 3_600_000;

    // Act
    const before = Date.now();
    const { result } = await box.invoke({}, { clockOffsetMs: hour });
    const after = Date.now();
    box.stop();

    // Assess
    const seen = result as { now: number; constructed: number; called: string; explicit: number; parsed: number; isDate: boolean; subclass: boolean; remainingMs: number };
    for (const time of [seen.now, seen.constructed]) {
      expect(time).toBeGreaterThanOrEqual(before + hour);
      expect(time).toBeLessThanOrEqual(after + hour);
    }
    expect(Date.parse(seen.called)).toBeGreaterThanOrEqual(Math.floor((before + hour) / 1000) * 1000);
    expect(seen).toMatchObject({ explicit: 0, parsed: Date.UTC(2026, 0, 1), isDate: true, subclass: true });
    expect(seen.remainingMs).toBeGreaterThan(4000);
    expect(seen.remainingMs).toBeLessThanOrEqual(5000);
  });

  it('answers an invocation only with all that the handler printed: no line arrives after it', async () => {
    const box = sandbox('chatty', 5);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await box.invoke({ lines: 1000 }, { captureLogs: true }));
    box.stop();
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ ok: true, result: { printed: 1000 } });
      expect(outcome.logs).toHaveLength(1000);
      expect(outcome.logs?.[999]).toMatch(/^line 1000 x+$/);
    }
  });

  it('names a handler that the module does not export', async () => {
    const box = new Sandbox({ functionName: 'missing', assetDirectory: path.join(FIXTURES, 'slow'), handler: 'index.nothing', runtime: 'nodejs22.x', timeoutSeconds: 1, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment: {} });
    expect(await box.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothing is undefined or not exported' } });
    box.stop();
  });

  describe('a sandbox that cannot start fails its invocations as Lambda does, names the cause, and tries again', () => {
    const RUNNER = path.join(__dirname, '..', '..', 'local', 'lambda', 'sandbox-runner.cjs');
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-init-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    /** A function whose code folder holds `files` (none: the folder does not exist). */
    const codeBox = (files: Record<string, string> | undefined, handler = 'index.handler', logs: string[] = []) => {
      const assetDirectory = path.join(root, 'asset');
      if (files !== undefined) {
        fs.mkdirSync(assetDirectory, { recursive: true });
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(assetDirectory, name), text);
      }
      const box = new Sandbox({ functionName: 'broken', assetDirectory, handler, runtime: 'nodejs22.x', timeoutSeconds: 5, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment: {}, onLog: (line) => logs.push(line) });
      return { box, assetDirectory, logs };
    };

    it('a missing code folder (an unbundled placeholder asset): Runtime.ImportModuleError; once the code is there, the next invocation runs it', async () => {
      // Prepare
      const { box, assetDirectory, logs } = codeBox(undefined);

      // Act
      const missing = await box.invoke({});
      const again = await box.invoke({});
      fs.mkdirSync(assetDirectory);
      fs.writeFileSync(path.join(assetDirectory, 'index.js'), 'exports.handler = async (event) => ({ got: event });');
      const fixed = await box.invoke({ n: 1 });
      box.stop();

      // Assess
      expect(missing).toMatchObject({ ok: false, coldStart: true, error: { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot find module 'index'\nRequire stack:\n- ${RUNNER}` } });
      expect(missing.error?.trace?.[0]).toBe("Runtime.ImportModuleError: Error: Cannot find module 'index'");
      expect(again).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
      expect(logs).toContain(`local cloud: the code folder of broken does not exist: ${assetDirectory}`);
      expect(fixed).toMatchObject({ ok: true, result: { got: { n: 1 } } });
    });

    it('a handler path naming no file: Runtime.ImportModuleError naming the module, whatever else the folder holds', async () => {
      const { box } = codeBox({ 'index.js': 'exports.handler = async () => 1;' }, 'handlers/record.handler');
      expect(await box.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot find module 'handlers/record'\nRequire stack:\n- ${RUNNER}` } });
      box.stop();
    });

    it('a dependency the code requires but the bundle lacks: Runtime.ImportModuleError with the require stack', async () => {
      const { box, assetDirectory } = codeBox({ 'index.js': "require('left-pad-not-bundled');\nexports.handler = async () => 1;" });
      const outcome = await box.invoke({});
      box.stop();
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
      expect(outcome.error?.errorMessage).toMatch(new RegExp(`^Error: Cannot find module 'left-pad-not-bundled'\nRequire stack:\n- ${path.join(assetDirectory, 'index.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    });

    it('a syntax error: Runtime.UserCodeSyntaxError', async () => {
      const { box } = codeBox({ 'index.js': 'exports.handler = async () => {;' });
      const outcome = await box.invoke({});
      box.stop();
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: expect.stringMatching(/^SyntaxError: /) } });
    });

    it('code that throws at load: the error as thrown, logged as an uncaught exception', async () => {
      const { box, logs } = codeBox({ 'index.js': "if (!process.env.TABLE_NAME) throw new TypeError('TABLE_NAME is not set');\nexports.handler = async () => 1;" });
      const outcome = await box.invoke({}, { captureLogs: true });
      box.stop();
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'TypeError', errorMessage: 'TABLE_NAME is not set' } });
      await eventually(async () => expect(logs.some((line) => /\tERROR\tUncaught Exception \t\{"errorType":"TypeError","errorMessage":"TABLE_NAME is not set"/.test(line))).toBe(true), { deadlineMs: 2000, firstDelayMs: 10 });
    });

    it('code that exits at load: Runtime.ExitError with its exit status', async () => {
      const { box } = codeBox({ 'index.js': 'process.exit(3);' });
      expect(await box.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 3' } });
      box.stop();
    });
  });

  describe('the Node a function runs on: its runtime\'s, whatever Node runs the local cloud', () => {
    const versionBox = (runtime: string, environment: Record<string, string> = {}) =>
      new Sandbox({ functionName: 'version', assetDirectory: path.join(FIXTURES, 'version'), handler: 'index.handler', runtime, timeoutSeconds: 5, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment });

    it('runs a nodejs22.x function on Node 22', async () => {
      // Prepare
      const box = versionBox('nodejs22.x');

      // Act
      const outcome = await box.invoke({});
      box.stop();

      // Assess: process.version as the handler reads it.
      expect(outcome).toMatchObject({ ok: true, result: { version: expect.stringMatching(/^v22\./) } });
    });

    it('applies the bundle\'s source map on that Node when the function\'s NODE_OPTIONS ask for it', async () => {
      const mapped = versionBox('nodejs22.x', { NODE_OPTIONS: '--enable-source-maps' });
      const plain = versionBox('nodejs22.x');
      const [withMap, without] = [await mapped.invoke({}), await plain.invoke({})];
      mapped.stop();
      plain.stop();
      expect((withMap.result as { where: string }).where).toMatch(/handler\.ts:\d+:\d+/);
      expect((without.result as { where: string }).where).toMatch(/index\.js:\d+:\d+/);
    });

    it('refuses a runtime whose Node this machine lacks, naming it, and starts no process', async () => {
      const box = versionBox('nodejs99.x');
      const outcome = await box.invoke({});
      expect(outcome).toMatchObject({ ok: false, coldStart: true, error: { errorType: 'InvalidRuntimeException', errorMessage: expect.stringContaining('Runtime nodejs99.x needs Node 99, which this machine does not have') } });
      // Still refused, not wedged, on the next invocation.
      expect(await box.invoke({})).toMatchObject({ ok: false, error: { errorType: 'InvalidRuntimeException' } });
    });
  });

  describe('faults that strike midway through the handler, at one of its HTTP requests', () => {
    let server: http.Server;
    let url: string;
    let served = 0;
    beforeAll(async () => {
      server = http.createServer((_req, res) => {
        served++;
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const stepsDone = (dir: string) => ['one', 'two'].filter((step) => fs.existsSync(path.join(dir, step)));
    const run = async (fault: MidwayFault) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-'));
      const box = sandbox('steps', 1);
      served = 0;
      try {
        const outcome = await box.invoke({ dir, url }, { fault });
        const requestsBefore = served;
        const next = await box.invoke({ dir: fs.mkdtempSync(path.join(dir, 'next-')), url });
        return { outcome, next, requests: requestsBefore, steps: stepsDone(dir) };
      } finally {
        box.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };

    it('a crash before the second request: the first step is done, the second never sent', async () => {
      const { outcome, next, requests, steps } = await run({ kind: 'crash', request: 2, when: 'before-send' });
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'sandbox exited (code 137)' } });
      expect({ requests, steps }).toEqual({ requests: 1, steps: ['one'] });
      expect(next).toMatchObject({ ok: true, coldStart: true });
    });

    it('a crash once the second request is sent: the server got it, the handler never heard back', async () => {
      const { outcome, steps } = await run({ kind: 'crash', request: 2, when: 'once-sent' });
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
      expect(steps).toEqual(['one']);
      // The second request reaches the server although its sender is gone (the next invocation adds 2).
      await eventually(async () => expect(served).toBe(4), { deadlineMs: 2000, firstDelayMs: 10 });
    });

    it('a timeout stops the handler at its request and fails at the deadline', async () => {
      const { outcome, requests, steps } = await run({ kind: 'timeout', request: 1, when: 'before-send' });
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
      expect({ requests, steps }).toEqual({ requests: 0, steps: [] });
    });

    it('strikes when the handler finishes, before it answers, if it makes fewer requests', async () => {
      const { outcome, requests, steps } = await run({ kind: 'crash', request: 9, when: 'before-send' });
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
      expect({ requests, steps }).toEqual({ requests: 2, steps: ['one', 'two'] });
    });
  });
});
