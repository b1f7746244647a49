import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { Sandbox, type InvokeOutcome, type SandboxConfig, type SandboxFault } from './sandbox';

/** A deployed function: its configuration and its pool of sandboxes. */
export interface LocalFunction {
  readonly name: string;
  readonly arn: string;
  readonly config: Omit<SandboxConfig, 'onLog'>;
  /** The sum of its event sources' maximum concurrency; at least one sandbox may always run. */
  concurrency: number;
  readonly sandboxes: Sandbox[];
  readonly waiting: Array<(sandbox: Sandbox) => void>;
}

/** Counted for the cost model and for settling. */
export interface LambdaMetrics {
  invocations: number;
  errors: number;
  /** Sandboxes that died mid-invocation. */
  crashes: number;
  timeouts: number;
  coldStarts: number;
  /** Sum of billed duration × memory, in GB-seconds. */
  gbSeconds: number;
  running: number;
  asyncPending: number;
}

/** Decides, per invocation, whether to inject a failure (fault injection; none by default). */
export type InvokeFault = (fn: LocalFunction) => SandboxFault | undefined;

export interface LambdaServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly onLog?: (functionName: string, line: string) => void;
  readonly fault?: InvokeFault;
  /** Called when an invocation starts or ends (settling listens). */
  readonly changed?: () => void;
}

/**
 * AWS Lambda for Node.js functions, locally: each function runs its bundled asset in sandboxes
 * (child processes) that stay warm between invocations, at most `concurrency` at once; further
 * invocations wait for a free sandbox. Serves the Invoke API (RequestResponse, Event, DryRun).
 */
export class LambdaService {
  private readonly functions = new Map<string, LocalFunction>();
  readonly metrics: LambdaMetrics = { invocations: 0, errors: 0, crashes: 0, timeouts: 0, coldStarts: 0, gbSeconds: 0, running: 0, asyncPending: 0 };

  constructor(private readonly options: LambdaServiceOptions) {}

  create(config: Omit<SandboxConfig, 'onLog'>): LocalFunction {
    if (!/^nodejs\d+\.x$/.test(config.runtime)) {
      throw new Error(`function ${config.functionName}: runtime ${config.runtime} is not supported by the local cloud (Node.js runtimes only)`);
    }
    const fn: LocalFunction = {
      name: config.functionName,
      arn: `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${config.functionName}`,
      config,
      concurrency: 0,
      sandboxes: [],
      waiting: [],
    };
    this.functions.set(fn.name, fn);
    return fn;
  }

  all(): LocalFunction[] {
    return [...this.functions.values()];
  }

  /** A function by name, ARN or partial ARN (a qualifier is ignored: there is only $LATEST). */
  find(nameOrArn: string): LocalFunction | undefined {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn.split(':')[0]!;
    return this.functions.get(decodeURIComponent(name));
  }

  /** Runs one invocation synchronously (as RequestResponse does). */
  async invoke(fn: LocalFunction, event: unknown, options: { captureLogs?: boolean } = {}): Promise<InvokeOutcome & { logs?: string[] }> {
    const sandbox = await this.acquire(fn);
    this.metrics.running++;
    this.options.changed?.();
    const fault = this.options.fault?.(fn);
    try {
      // The handler's clock is the cloud's, which settling moves ahead of the wall clock.
      const clockOffsetMs = this.options.clock.now() - Date.now();
      const outcome = await sandbox.invoke(event, { ...options, clockOffsetMs, ...(fault === undefined ? {} : { fault }) });
      this.metrics.invocations++;
      if (outcome.coldStart) this.metrics.coldStarts++;
      if (!outcome.ok) this.metrics.errors++;
      if (outcome.error?.errorType === 'Sandbox.Timedout') this.metrics.timeouts++;
      if (outcome.error?.errorType.startsWith('Runtime.') && outcome.error.errorType !== 'Runtime.HandlerNotFound') this.metrics.crashes++;
      // Lambda bills duration rounded up to the millisecond, at the configured memory.
      this.metrics.gbSeconds += (Math.ceil(outcome.durationMs) / 1000) * (fn.config.memoryMb / 1024);
      return outcome;
    } finally {
      this.metrics.running--;
      this.release(fn, sandbox);
      this.options.changed?.();
    }
  }

  /** Queues an asynchronous invocation (Event): retried twice on failure, as Lambda does. */
  invokeAsync(fn: LocalFunction, event: unknown): void {
    this.metrics.asyncPending++;
    const attempt = (retriesLeft: number) => {
      void this.invoke(fn, event).then((outcome) => {
        if (!outcome.ok && retriesLeft > 0) {
          this.options.clock.after(retriesLeft === 2 ? 60_000 : 120_000, () => attempt(retriesLeft - 1));
          return;
        }
        this.metrics.asyncPending--;
        this.options.changed?.();
      });
    };
    attempt(2);
  }

  stopAll(): void {
    for (const fn of this.functions.values()) for (const sandbox of fn.sandboxes) sandbox.stop();
  }

  /** `POST /2015-03-31/functions/{name}/invocations`, `GET /2015-03-31/functions/[{name}]`. */
  async http(request: http.IncomingMessage, body: Buffer, url: URL): Promise<{ status: number; headers?: Record<string, string>; body: unknown }> {
    const match = /^\/2015-03-31\/functions\/?([^/]*)(\/invocations|\/configuration)?\/?$/.exec(url.pathname);
    if (match === null) return notFoundRoute(url.pathname);
    const [, name = '', suffix] = match;
    const invocations = suffix === '/invocations' ? suffix : undefined;
    if (request.method === 'GET' && name === '' && invocations === undefined) {
      return { status: 200, body: { Functions: this.all().map((fn) => this.configuration(fn)) } };
    }
    const fn = this.find(name);
    if (fn === undefined) {
      return { status: 404, headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' }, body: { Type: 'User', message: `Function not found: arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${decodeURIComponent(name)}` } };
    }
    if (request.method === 'GET' && suffix === '/configuration') return { status: 200, body: this.configuration(fn) };
    if (request.method === 'GET' && invocations === undefined) return { status: 200, body: { Configuration: this.configuration(fn) } };
    if (request.method !== 'POST' || invocations === undefined) return notFoundRoute(url.pathname);

    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, headers: { 'x-amzn-ErrorType': 'InvalidRequestContentException' }, body: { Type: 'User', message: 'Could not parse request body into json: the payload is not valid JSON.' } };
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return { status: 204, body: undefined };
    if (type === 'Event') {
      this.invokeAsync(fn, event);
      return { status: 202, body: undefined };
    }
    if (type !== 'RequestResponse') {
      return { status: 400, headers: { 'x-amzn-ErrorType': 'InvalidParameterValueException' }, body: { Type: 'User', message: `Invalid invocation type ${type}: use RequestResponse, Event or DryRun.` } };
    }
    const tail = request.headers['x-amz-log-type'] === 'Tail';
    const outcome = await this.invoke(fn, event, { captureLogs: tail });
    const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST' };
    if (tail) headers['X-Amz-Log-Result'] = Buffer.from((outcome.logs ?? []).join('\n').slice(-4096)).toString('base64');
    if (!outcome.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    return { status: 200, headers, body: outcome.ok ? outcome.result : outcome.error };
  }

  private configuration(fn: LocalFunction) {
    return {
      FunctionName: fn.name,
      FunctionArn: fn.arn,
      Runtime: fn.config.runtime,
      Handler: fn.config.handler,
      Timeout: fn.config.timeoutSeconds,
      MemorySize: fn.config.memoryMb,
      Environment: { Variables: fn.config.environment },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['arm64'],
    };
  }

  private acquire(fn: LocalFunction): Promise<Sandbox> {
    const idle = fn.sandboxes.find((s) => !s.isBusy && !this.reserved.has(s));
    if (idle !== undefined) return Promise.resolve(this.reserve(idle));
    if (fn.sandboxes.length < Math.max(1, fn.concurrency)) {
      const sandbox = new Sandbox({ ...fn.config, onLog: (line) => this.options.onLog?.(fn.name, line) });
      fn.sandboxes.push(sandbox);
      return Promise.resolve(this.reserve(sandbox));
    }
    return new Promise((resolve) => fn.waiting.push((sandbox) => resolve(this.reserve(sandbox))));
  }

  private readonly reserved = new Set<Sandbox>();

  private reserve(sandbox: Sandbox): Sandbox {
    this.reserved.add(sandbox);
    return sandbox;
  }

  private release(fn: LocalFunction, sandbox: Sandbox): void {
    this.reserved.delete(sandbox);
    const next = fn.waiting.shift();
    if (next !== undefined) next(sandbox);
  }
}

function notFoundRoute(path: string) {
  return { status: 404, headers: { 'x-amzn-ErrorType': 'UnknownOperationException' }, body: { Type: 'User', message: `No Lambda operation at ${path}.` } };
}

export const newUuid = () => randomUUID();
