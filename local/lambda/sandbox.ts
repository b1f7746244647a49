import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeExecutableFor } from './node-runtime';

export interface SandboxConfig {
  readonly functionName: string;
  readonly assetDirectory: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly region: string;
  readonly accountId: string;
  /** The template's variables, already resolved. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the handler's SDK clients send requests. */
  readonly endpoint?: string;
  /** Receives each line the handler prints. */
  readonly onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Receives Lambda's own lines of each invocation (START, END, REPORT), as Lambda writes them to the function's log stream. */
  readonly onPlatformLog?: (line: string) => void;
  /** The function's log group (`LoggingConfig.LogGroup`). @default `/aws/lambda/<function name>` */
  readonly logGroup?: string;
  /** Runs the sandbox under the Node inspector (`--inspect`), on the loopback address only. @default none */
  readonly inspector?: SandboxInspector;
}

/**
 * A sandbox under the Node inspector: `inspect` listens, `inspect-wait` also waits for a debugger
 * before loading the handler, `inspect-brk` also stops at the runtime's first line. The invocation
 * timeout is not enforced under it: a sandbox paused at a breakpoint must not be killed
 * (`context.getRemainingTimeInMillis()` still counts down from the function's timeout).
 */
export interface SandboxInspector {
  readonly port: number;
  readonly mode: 'inspect' | 'inspect-wait' | 'inspect-brk';
}

/** Inspector ports held by a sandbox process, until it exits: a new sandbox on the same port waits, else Node would start it without the inspector. */
const inspectorPorts = new Map<number, Promise<void>>();

/**
 * An injected failure of one invocation. The plain kinds strike before the handler runs. The midway
 * form strikes at the handler's `request`-th HTTP request (to AWS), just before it is sent or once it
 * is sent, or when the handler finishes, before it answers, if it makes fewer: so a timeout or crash
 * can fall between a handler's writes and its publishing, and after a write the handler never heard
 * back from, as it can in Lambda.
 */
export type SandboxFault = 'timeout' | 'crash' | 'error' | MidwayFault;

export interface MidwayFault {
  readonly kind: 'timeout' | 'crash';
  /** Which of the invocation's HTTP requests, from 1. */
  readonly request: number;
  readonly when: 'before-send' | 'once-sent';
}

export interface InvokeOutcome {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { errorType: string; errorMessage: string; trace?: string[] };
  readonly durationMs: number;
  readonly coldStart: boolean;
  readonly initMs?: number;
}

type Message =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error' | 'crash'; error: NonNullable<InvokeOutcome['error']> }
  | { type: 'result'; requestId: string; result: unknown; durationMs: number; maxRssKb?: number }
  | { type: 'error'; requestId: string; error: NonNullable<InvokeOutcome['error']>; durationMs: number; maxRssKb?: number };

const RUNNER = path.join(__dirname, 'sandbox-runner.cjs');

/** The environment Lambda gives a function, plus the template's variables and the local endpoint. */
export function lambdaEnvironment(config: SandboxConfig, logStreamName = newLogStreamName(Date.now())): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(config.timeoutSeconds),
    AWS_LAMBDA_LOG_GROUP_NAME: config.logGroup ?? `/aws/lambda/${config.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: config.assetDirectory,
    LAMBDA_RUNTIME_DIR: path.dirname(RUNNER),
    _HANDLER: config.handler,
    AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
    ...(process.env['AWS_SESSION_TOKEN'] === undefined ? {} : { AWS_SESSION_TOKEN: process.env['AWS_SESSION_TOKEN'] }),
    ...(config.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: config.endpoint }),
    ...config.environment,
  };
  // NODE_OPTIONS of the template (--enable-source-maps) applies; the parent's (e.g. a debugger) does not.
  return env;
}

/** A log stream name as Lambda gives each execution environment: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function newLogStreamName(now: number): string {
  return `${new Date(now).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomUUID().replace(/-/g, '')}`;
}

/**
 * One execution environment: a child process that loads the bundled handler once (cold start) and
 * serves invocations one at a time (warm). A timed-out invocation or a crash ends the process; the
 * next invocation starts a fresh one, as Lambda replaces a failed environment.
 */
export class Sandbox {
  private child: ChildProcess | undefined;
  private ready: Promise<number> | undefined;
  private busy = false;
  /** Lines printed during the current invocation (for `X-Amz-Log-Type: Tail`). */
  private captured: string[] | undefined;
  /** Told when the running invocation's output has ended on a stream. */
  private outputEnded: ((requestId: string, stream: 'stdout' | 'stderr') => void) | undefined;

  /** Its log stream in the function's log group, one per environment as Lambda names them. */
  readonly logStreamName: string;
  /** From starting the process to the handler loaded: Lambda's Init Duration (runtime start and the handler's module). */
  private environmentInitMs = 0;

  constructor(readonly config: SandboxConfig) {
    this.logStreamName = newLogStreamName(Date.now());
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /**
   * Runs one invocation. `fault` makes the runner misbehave on purpose (fault injection): hang until
   * the timeout, crash the process, or throw instead of running the handler. `clockOffsetMs` moves the
   * handler's `Date` onto the cloud's clock (ahead of the wall clock by the idle time settling skipped).
   */
  async invoke(
    event: unknown,
    options: { captureLogs?: boolean; fault?: SandboxFault; clockOffsetMs?: number; requestId?: string; traceHeader?: string } = {},
  ): Promise<InvokeOutcome & { logs?: string[] }> {
    if (this.busy) throw new Error(`sandbox of ${this.config.functionName} is busy`);
    this.busy = true;
    this.captured = options.captureLogs ? [] : undefined;
    try {
      const coldStart = this.child === undefined;
      const started = Date.now();
      const deadline = started + this.config.timeoutSeconds * 1000;
      let initMs: number;
      try {
        initMs = await this.start();
      } catch (error) {
        this.stop();
        return { ok: false, error: error as NonNullable<InvokeOutcome['error']>, durationMs: Date.now() - started, coldStart };
      }
      const requestId = options.requestId ?? randomUUID();
      this.config.onPlatformLog?.(`START RequestId: ${requestId} Version: $LATEST`);
      const { maxRssKb, ...outcome } = await this.run(requestId, event, deadline, options.fault, options.clockOffsetMs ?? 0, options.traceHeader);
      this.config.onPlatformLog?.(`END RequestId: ${requestId}`);
      this.config.onPlatformLog?.(reportLine(requestId, { durationMs: outcome.durationMs, ...(maxRssKb === undefined ? {} : { maxRssKb }) }, this.config.memoryMb, coldStart ? this.environmentInitMs : undefined));
      return { ...outcome, coldStart, ...(coldStart ? { initMs } : {}), ...(this.captured ? { logs: this.captured } : {}) };
    } finally {
      this.busy = false;
      this.captured = undefined;
    }
  }

  /** Ends the sandbox's process. */
  stop(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private start(): Promise<number> {
    if (this.ready !== undefined) return this.ready;
    const held = this.config.inspector === undefined ? undefined : inspectorPorts.get(this.config.inspector.port);
    if (held !== undefined) {
      const waiting: Promise<number> = held.then(() => {
        if (this.ready !== waiting) throw { errorType: 'Runtime.ExitError', errorMessage: 'sandbox stopped before it started' };
        this.ready = undefined;
        return this.start();
      });
      this.ready = waiting;
      return waiting;
    }
    // The runtime's Node (nodejs22.x runs on Node 22, whatever Node runs the local cloud); none here: refused.
    let execPath: string;
    try {
      execPath = nodeExecutableFor(this.config.runtime);
    } catch (error) {
      return Promise.reject({ errorType: 'InvalidRuntimeException', errorMessage: (error as Error).message });
    }
    // A code folder that is not there (an unbundled placeholder asset, a deleted cdk.out) cannot be the
    // working directory (spawn fails with ENOENT): the runner starts elsewhere and reports the missing
    // module as Lambda does (Runtime.ImportModuleError), and the local cloud's log says why.
    const hasCode = fs.existsSync(this.config.assetDirectory);
    if (!hasCode) this.config.onLog?.(`local cloud: the code folder of ${this.config.functionName} does not exist: ${this.config.assetDirectory}`, 'stderr');
    // Plain Node, as Lambda runs it: none of the parent's flags or loaders (tsx, inspectors).
    const cwd = hasCode ? this.config.assetDirectory : path.dirname(RUNNER);
    const forkedAt = performance.now();
    const inspector = this.config.inspector;
    const execArgv = inspector === undefined ? [] : [`--${inspector.mode}=127.0.0.1:${inspector.port}`];
    const child = fork(RUNNER, [], { execPath, env: lambdaEnvironment(this.config, this.logStreamName), stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd, execArgv });
    this.child = child;
    if (inspector !== undefined) {
      const released = new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      }).then(() => {
        if (inspectorPorts.get(inspector.port) === released) inspectorPorts.delete(inspector.port);
      });
      inspectorPorts.set(inspector.port, released);
    }
    forwardLines(child, (line, stream) => {
      // The runner ends each invocation's output on both streams with a marker (see run()).
      if (line.startsWith(END_OF_OUTPUT)) return this.outputEnded?.(line.slice(END_OF_OUTPUT.length), stream);
      // The inspector's own messages (Debugger listening / attached) are not the handler's output.
      if (inspector !== undefined && stream === 'stderr' && INSPECTOR_LINE.test(line)) return;
      this.captured?.push(line);
      this.config.onLog?.(line, stream);
    });
    this.ready = new Promise<number>((resolve, reject) => {
      const onMessage = (message: Message) => {
        if (message.type === 'ready') {
          this.environmentInitMs = performance.now() - forkedAt;
          resolve(message.initMs);
        }
        else if (message.type === 'init-error' || message.type === 'crash') reject(message.error);
        else return;
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${signal === null ? `exit status ${code}` : `signal: ${signal}`}` }));
      // The executable could not start (a spawn error is emitted, not thrown): an init failure, never an uncaught error.
      child.on('error', (error) => reject({ errorType: 'Runtime.ExitError', errorMessage: `sandbox could not start ${execPath}: ${error.message}` }));
    });
    return this.ready;
  }

  private run(requestId: string, event: unknown, deadline: number, fault: SandboxFault | undefined, clockOffsetMs: number, traceHeader: string | undefined): Promise<Omit<InvokeOutcome, 'coldStart'> & { maxRssKb?: number }> {
    const child = this.child!;
    const started = Date.now();
    return new Promise((resolve) => {
      const done = (outcome: Omit<InvokeOutcome, 'coldStart'> & { maxRssKb?: number }, kill: boolean) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        this.outputEnded = undefined;
        if (kill) this.stop();
        resolve(outcome);
      };
      // The answer comes over IPC, the logs over the pipes: an answer is final once both streams have
      // passed the runner's end marker, so no line the handler printed arrives after its invocation.
      let answered: (Omit<InvokeOutcome, 'coldStart'> & { maxRssKb?: number }) | undefined;
      const ended = new Set<string>();
      const doneWhenOutputEnded = () => {
        if (answered !== undefined && ended.size === 2) done(answered, false);
      };
      this.outputEnded = (id, stream) => {
        if (id !== requestId) return;
        ended.add(stream);
        doneWhenOutputEnded();
      };
      const answer = (outcome: Omit<InvokeOutcome, 'coldStart'> & { maxRssKb?: number }) => {
        answered = outcome;
        doneWhenOutputEnded();
      };
      const onMessage = (message: Message) => {
        const memory = message.type === 'result' || message.type === 'error' ? (message.maxRssKb === undefined ? {} : { maxRssKb: message.maxRssKb }) : {};
        if (message.type === 'result' && message.requestId === requestId) answer({ ok: true, result: message.result, durationMs: message.durationMs, ...memory });
        else if (message.type === 'error' && message.requestId === requestId) answer({ ok: false, error: message.error, durationMs: message.durationMs, ...memory });
        else if (message.type === 'crash') done({ ok: false, error: { ...message.error, errorType: `Runtime.${message.error.errorType}` }, durationMs: Date.now() - started }, true);
      };
      const onExit = (code: number | null, signal: string | null) =>
        done({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `sandbox exited (${signal ?? `code ${code}`})` }, durationMs: Date.now() - started }, true);
      // Not under the inspector: a handler paused at a breakpoint would be killed by its timeout.
      const timer = this.config.inspector !== undefined ? undefined : setTimeout(
        () => done({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.config.timeoutSeconds.toFixed(2)} seconds` }, durationMs: Date.now() - started }, true),
        Math.max(0, deadline - Date.now()),
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      const arn = `arn:aws:lambda:${this.config.region}:${this.config.accountId}:function:${this.config.functionName}`;
      child.send({ type: 'invoke', requestId, event, deadline, functionName: this.config.functionName, memoryMb: this.config.memoryMb, invokedArn: arn, fault, clockOffsetMs, traceHeader });
    });
  }
}

/**
 * Lambda's REPORT line (tab-separated, as Lambda writes it): duration, billed duration (rounded up to
 * the millisecond), memory size, the environment's peak memory, and the init duration of a cold start.
 */
function reportLine(requestId: string, outcome: { durationMs: number; maxRssKb?: number }, memoryMb: number, initMs: number | undefined): string {
  const parts = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${outcome.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(outcome.durationMs + (initMs ?? 0)))} ms`,
    `Memory Size: ${memoryMb} MB`,
    `Max Memory Used: ${outcome.maxRssKb === undefined ? 0 : Math.ceil(outcome.maxRssKb / 1024)} MB`,
    ...(initMs === undefined ? [] : [`Init Duration: ${initMs.toFixed(2)} ms`]),
  ];
  return `${parts.join('\t')}\t`;
}

/** What Node's inspector prints on stderr (listening, attached, waiting to disconnect). */
const INSPECTOR_LINE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org\/|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect)/;

/** The line the runner prints on stdout and stderr after an invocation's output (with its request id). */
const END_OF_OUTPUT = '\u0000sandbox-output-end ';

function forwardLines(child: ChildProcess, onLog: SandboxConfig['onLog']): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let buffer = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line !== '') onLog?.(line, stream);
    });
    child[stream]?.on('end', () => {
      if (buffer !== '') onLog?.(buffer, stream);
      buffer = '';
    });
  }
}
