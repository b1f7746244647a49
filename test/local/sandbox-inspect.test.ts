import { generatedPositionFor, LEAST_UPPER_BOUND, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { esbuildOptions } from '../../infra/constructs/function-bundling';
import { Sandbox } from '../../local/lambda/sandbox';
import { FunctionBundler } from '../../local/watch/function-bundler';

/**
 * A sandbox under the Node inspector (`npm run local -- --inspect <function>`), driven as a debugger
 * drives it over the Chrome DevTools Protocol. V8 knows nothing of source maps: a debugger (DevTools,
 * VS Code) reads the bundle's map, turns the TypeScript line into the bundle's position for
 * Debugger.setBreakpointByUrl, and turns the paused position back. This test does the same, so it
 * checks what a debugger needs: the map's `sources` lead to the .ts file, its lines are right, and the
 * sandbox holds still at the breakpoint past the function's timeout.
 */
const ENTRY = path.join(__dirname, '..', 'e2e', 'watch-fixture', 'inspected.ts');
const ROOT = path.join(__dirname, '..', '..');

let folder: string;
let sandbox: Sandbox | undefined;
let socket: WebSocket | undefined;

afterEach(() => {
  socket?.close();
  sandbox?.stop();
  if (folder !== undefined) fs.rmSync(folder, { recursive: true, force: true });
});

it('stops at a breakpoint set on a TypeScript line, past the timeout, and resumes', async () => {
  // Prepare: the handler bundled with the pipeline's settings, in a sandbox under the inspector.
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-test-'));
  const bundler = new FunctionBundler(ENTRY, { ...esbuildOptions() }, folder, ROOT);
  const built = await bundler.build();
  await bundler.dispose();
  if (!built.ok) throw new Error(built.summary.join('\n'));
  const port = await freePort();
  sandbox = new Sandbox({
    functionName: 'inspected',
    assetDirectory: built.directory,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 1,
    memoryMb: 128,
    region: 'us-east-1',
    accountId: '000000000000',
    environment: { NODE_OPTIONS: '--enable-source-maps' },
    inspector: { port, mode: 'inspect' },
  });
  expect(await sandbox.invoke({ value: 1 })).toMatchObject({ ok: true, result: { doubled: 2 } });
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const debuggerClient = await Cdp.connect(targets[0]!.webSocketDebuggerUrl);
  socket = debuggerClient.socket;
  const scripts = debuggerClient.collect('Debugger.scriptParsed');
  await debuggerClient.send('Debugger.enable');
  const bundleFile = path.join(built.directory, 'index.js');
  const script = scripts.find((s) => toPath(s['url'] as string) === bundleFile) as { url: string; sourceMapURL: string } | undefined;
  if (script === undefined) throw new Error(`the bundle is not among the scripts: ${scripts.map((s) => s['url']).join(', ')}`);
  const mapFile = path.resolve(path.dirname(bundleFile), script.sourceMapURL);
  const map = new TraceMap(fs.readFileSync(mapFile, 'utf8'), mapFile);
  expect(map.resolvedSources).toContain(ENTRY);
  const line = fs.readFileSync(ENTRY, 'utf8').split('\n').findIndex((text) => text.includes('// breakpoint:')) + 1;
  const generated = generatedPositionFor(map, { source: ENTRY, line, column: 0, bias: LEAST_UPPER_BOUND });
  if (generated.line === null) throw new Error(`no code of ${ENTRY}:${line} in the bundle`);
  const breakpoint = await debuggerClient.send('Debugger.setBreakpointByUrl', { url: script.url, lineNumber: generated.line - 1, columnNumber: generated.column });
  expect(breakpoint['locations']).not.toHaveLength(0);

  // Act: an invocation runs into the breakpoint.
  const paused = debuggerClient.next('Debugger.paused');
  const invocation = sandbox.invoke({ value: 21 });
  const frame = ((await paused)['callFrames'] as Array<{ location: { lineNumber: number; columnNumber: number } }>)[0]!;
  const original = originalPositionFor(map, { line: frame.location.lineNumber + 1, column: frame.location.columnNumber });
  // Held at the breakpoint longer than the function's 1 s timeout: the sandbox must not be killed.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await debuggerClient.send('Debugger.resume');
  const outcome = await invocation;

  // Assess
  expect({ source: original.source, line: original.line }).toEqual({ source: ENTRY, line });
  expect(outcome).toMatchObject({ ok: true, result: { doubled: 42 } });
  expect(outcome.durationMs).toBeGreaterThanOrEqual(1500);
}, 60_000);

function toPath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The least of a Chrome DevTools Protocol client: commands with their answers, and events. */
class Cdp {
  private id = 0;
  private readonly answers = new Map<number, (message: { result?: Record<string, unknown>; error?: { message: string } }) => void>();
  private readonly listeners: Array<(method: string, params: Record<string, unknown>) => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; method?: string; params?: Record<string, unknown> };
      if (message.id !== undefined) this.answers.get(message.id)?.(message as { result?: Record<string, unknown>; error?: { message: string } });
      else if (message.method !== undefined) for (const listener of this.listeners) listener(message.method, message.params ?? {});
    });
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new Cdp(socket)));
      socket.once('error', reject);
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.answers.set(id, (message) => (message.error === undefined ? resolve(message.result ?? {}) : reject(new Error(`${method}: ${message.error.message}`))));
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Every event of `method` from now on, in a list that grows. */
  collect(method: string): Array<Record<string, unknown>> {
    const seen: Array<Record<string, unknown>> = [];
    this.listeners.push((name, params) => name === method && seen.push(params));
    return seen;
  }

  next(method: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const listener = (name: string, params: Record<string, unknown>) => {
        if (name !== method) return;
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(params);
      };
      this.listeners.push(listener);
    });
  }
}
