import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { nodeExecutableFor, UnsupportedRuntimeError } from './node-runtime';
import { Sandbox, type InvokeOutcome, type SandboxConfig, type SandboxFault } from './sandbox';
import { invocationTraceHeader } from './trace-header';

/** What the control plane reports of a function beyond what its sandboxes run (see function-configuration.ts). */
export interface FunctionDetails {
  role: string;
  description: string;
  codeSha256: string;
  codeSize: number;
  /** ISO 8601 with milliseconds and a `+0000` offset, as Lambda writes `LastModified`. */
  lastModified: string;
  revisionId: string;
  architectures: string[];
  /** Whether the caller gave `Environment` (Lambda leaves the member out otherwise). */
  hasEnvironment: boolean;
  /** A package unpacked by CreateFunction/UpdateFunctionCode, removed with the function. */
  unpackedCode?: string;
}

/** A deployed function: its configuration and its pool of sandboxes. */
export interface LocalFunction {
  readonly name: string;
  readonly arn: string;
  /** Replaced (never mutated) by `reconfigure`: sandboxes started before keep the one they began with. */
  config: Omit<SandboxConfig, 'onLog'>;
  /** Set for functions created through the API; deployed ones report defaults. */
  details?: FunctionDetails;
  /** The sum of its event sources' maximum concurrency; at least one sandbox may always run. */
  concurrency: number;
  readonly sandboxes: Sandbox[];
  readonly waiting: Array<(sandbox: Sandbox) => void>;
  /** PutFunctionEventInvokeConfig's settings for asynchronous invocations; Lambda's defaults where absent. */
  eventInvokeConfig?: EventInvokeConfig;
  /** DeadLetterConfig.TargetArn: where an asynchronous event goes once its attempts are used up. */
  deadLetterTargetArn?: string;
}

/** A function's settings for asynchronous invocations (FunctionEventInvokeConfig). */
export interface EventInvokeConfig {
  /** 0 to 2. @default 2 */
  readonly maximumRetryAttempts?: number;
  /** 60 to 21,600. @default 21600 */
  readonly maximumEventAgeSeconds?: number;
  readonly destinationConfig?: { readonly OnSuccess?: { Destination?: string }; readonly OnFailure?: { Destination?: string } };
  /** When it was last put or updated (ms). */
  readonly lastModified: number;
}

/** An asynchronous event Lambda gave up on, as its dead-letter queue receives it. */
export interface AsyncFailure {
  readonly targetArn: string;
  /** The event as it was invoked with (the Invoke payload's text). */
  readonly body: string;
  readonly requestId: string;
  readonly errorMessage: string;
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
  /**
   * Receives every line of a function's log stream, as Lambda writes it to CloudWatch Logs: the
   * handler's lines and Lambda's START / END / REPORT, with the group, the sandbox's stream and the cloud's time.
   */
  readonly onLogRecord?: (record: FunctionLogRecord) => void;
  readonly fault?: InvokeFault;
  /** Called when an invocation starts or ends (settling listens). */
  readonly changed?: () => void;
  /** Sends an asynchronous event that failed every attempt to the function's dead-letter queue. */
  readonly deadLetter?: (failure: AsyncFailure) => void;
  /**
   * Sends an asynchronous invocation's record to the destination its event invoke config names for
   * the outcome (OnSuccess, OnFailure): an SQS queue, an event bus, ...
   */
  readonly destination?: (destinationArn: string, record: InvocationRecord) => void;
  /** Told of event source mapping batches and of each invocation (the flight recorder); off unless given. */
  readonly observer?: InvocationObserver;
}

/** An event source mapping's batch, as the invoker names it. */
export interface BatchSource {
  /** The mapping's UUID. */
  readonly mapping: string;
  /** The queue's or the table's name. */
  readonly source: string;
  /** SQS message ids or stream record ids. */
  readonly ids: readonly string[];
}

/** What an observer of invocations is told; calls must be cheap and must not throw. */
export interface InvocationObserver {
  batch(fn: LocalFunction, batchId: string, batch: BatchSource): void;
  started(fn: LocalFunction, invocation: { requestId: string; traceHeader: string; batchId?: string }): void;
  ended(fn: LocalFunction, invocation: { requestId: string; traceHeader: string; batchId?: string; sandbox: string; outcome: InvokeOutcome }): void;
}

/** What an asynchronous invocation's destination receives (Lambda's invocation record, version 1.0). */
export interface InvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: { readonly requestId: string; readonly functionArn: string; readonly condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded'; readonly approximateInvokeCount: number };
  readonly requestPayload: unknown;
  readonly responseContext: { readonly statusCode: 200; readonly executedVersion: '$LATEST'; readonly functionError?: 'Unhandled' };
  readonly responsePayload?: unknown;
}

/** One line of a function's log stream. */
export interface FunctionLogRecord {
  readonly functionName: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly timestamp: number;
  readonly line: string;
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

  create(config: Omit<SandboxConfig, 'onLog'>, details?: FunctionDetails): LocalFunction {
    // A runtime whose Node this machine lacks is refused here, naming it (at boot, the deploy fails with it).
    checkRunnable(config);
    const fn: LocalFunction = {
      name: config.functionName,
      arn: `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${config.functionName}`,
      config,
      ...(details === undefined ? {} : { details }),
      concurrency: 0,
      sandboxes: [],
      waiting: [],
    };
    this.functions.set(fn.name, fn);
    return fn;
  }

  /**
   * Gives a function a new configuration or code: idle sandboxes stop at once, busy ones finish
   * their invocation and then stop, so every later invocation runs on the new one.
   */
  reconfigure(fn: LocalFunction, config: Omit<SandboxConfig, 'onLog'>): void {
    // Refused before anything changes, as at create: the function keeps a runtime it can run.
    checkRunnable(config);
    fn.config = config;
    this.retireSandboxes(fn);
  }

  /** Removes a function; invocations already running finish, and its sandboxes end. */
  remove(fn: LocalFunction): void {
    if (this.functions.get(fn.name) === fn) this.functions.delete(fn.name);
    this.retireSandboxes(fn);
  }

  /** Whether the function still exists (an event source mapping may outlive its function). */
  exists(fn: LocalFunction): boolean {
    return this.functions.get(fn.name) === fn;
  }

  private readonly retired = new Set<Sandbox>();

  private retireSandboxes(fn: LocalFunction): void {
    for (const sandbox of fn.sandboxes.splice(0)) {
      if (sandbox.isBusy || this.reserved.has(sandbox)) this.retired.add(sandbox);
      else sandbox.stop();
    }
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
  async invoke(fn: LocalFunction, event: unknown, options: { captureLogs?: boolean; batch?: BatchSource } = {}): Promise<InvokeOutcome & { logs?: string[] }> {
    const { batch, ...sandboxOptions } = options;
    const observer = this.options.observer;
    const batchId = batch === undefined || observer === undefined ? undefined : randomUUID();
    if (batchId !== undefined) observer?.batch(fn, batchId, batch!);
    const sandbox = await this.acquire(fn);
    this.metrics.running++;
    this.options.changed?.();
    const fault = this.options.fault?.(fn);
    const requestId = randomUUID();
    const traceHeader = invocationTraceHeader(event, this.options.clock.now());
    const invocation = { requestId, traceHeader, ...(batchId === undefined ? {} : { batchId }) };
    observer?.started(fn, invocation);
    try {
      // The handler's clock is the cloud's, which settling moves ahead of the wall clock.
      const clockOffsetMs = this.options.clock.now() - Date.now();
      const outcome = await sandbox.invoke(event, { ...sandboxOptions, clockOffsetMs, requestId, traceHeader, ...(fault === undefined ? {} : { fault }) });
      observer?.ended(fn, { ...invocation, sandbox: sandbox.logStreamName, outcome });
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

  /**
   * Queues an asynchronous invocation (Event). A failure is retried after a minute, then after two
   * more, as many times as the function's MaximumRetryAttempts allows (2 by default) while the event
   * is younger than its MaximumEventAgeInSeconds (6 hours by default); then the event goes to the
   * function's dead-letter queue, if it has one. `payload` is the event's text as invoked.
   */
  invokeAsync(fn: LocalFunction, event: unknown, payload: string = JSON.stringify(event)): void {
    this.metrics.asyncPending++;
    const requestId = randomUUID();
    const firstAt = this.options.clock.now();
    const maxRetries = fn.eventInvokeConfig?.maximumRetryAttempts ?? 2;
    const maxAgeMs = (fn.eventInvokeConfig?.maximumEventAgeSeconds ?? 21_600) * 1000;
    const attempt = (retries: number) => {
      void this.invoke(fn, event).then((outcome) => {
        let condition: InvocationRecord['requestContext']['condition'] = 'Success';
        if (!outcome.ok) {
          const delay = retries === 0 ? 60_000 : 120_000;
          // The retry must start before the event's age runs out: with 60 s, the first retry (a minute on) never does (test_maxeventage).
          const withinAge = this.options.clock.now() + delay - firstAt < maxAgeMs;
          if (retries < maxRetries && withinAge) {
            this.options.clock.after(delay, () => attempt(retries + 1));
            return;
          }
          condition = retries < maxRetries ? 'EventAgeExceeded' : 'RetriesExhausted';
          if (fn.deadLetterTargetArn !== undefined) {
            this.options.deadLetter?.({ targetArn: fn.deadLetterTargetArn, body: payload, requestId, errorMessage: outcome.error?.errorMessage ?? 'Unhandled' });
          }
        }
        const destinations = fn.eventInvokeConfig?.destinationConfig;
        const destination = outcome.ok ? destinations?.OnSuccess?.Destination : destinations?.OnFailure?.Destination;
        if (destination !== undefined) {
          this.options.destination?.(destination, {
            version: '1.0',
            timestamp: new Date(this.options.clock.now()).toISOString(),
            requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: retries + 1 },
            requestPayload: event,
            responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(outcome.ok ? {} : { functionError: 'Unhandled' as const }) },
            responsePayload: outcome.ok ? outcome.result : outcome.error,
          });
        }
        this.metrics.asyncPending--;
        this.options.changed?.();
      });
    };
    attempt(0);
  }

  stopAll(): void {
    for (const fn of this.functions.values()) for (const sandbox of fn.sandboxes) sandbox.stop();
    for (const sandbox of this.retired) sandbox.stop();
  }

  private acquire(fn: LocalFunction): Promise<Sandbox> {
    const idle = fn.sandboxes.find((s) => !s.isBusy && !this.reserved.has(s));
    if (idle !== undefined) return Promise.resolve(this.reserve(idle));
    // Under the inspector, one sandbox at a time: it holds the port the debugger is attached to.
    const limit = fn.config.inspector === undefined ? Math.max(1, fn.concurrency) : 1;
    if (fn.sandboxes.length < limit) return Promise.resolve(this.reserve(this.spawn(fn)));
    return new Promise((resolve) => fn.waiting.push((sandbox) => resolve(this.reserve(sandbox))));
  }

  private spawn(fn: LocalFunction): Sandbox {
    const record = (line: string) =>
      this.options.onLogRecord?.({ functionName: fn.name, logGroup: sandbox.config.logGroup ?? `/aws/lambda/${fn.name}`, logStream: sandbox.logStreamName, timestamp: this.options.clock.now(), line });
    const sandbox: Sandbox = new Sandbox({
      ...fn.config,
      onLog: (line) => {
        this.options.onLog?.(fn.name, line);
        record(line);
      },
      onPlatformLog: record,
    });
    fn.sandboxes.push(sandbox);
    return sandbox;
  }

  private readonly reserved = new Set<Sandbox>();

  private reserve(sandbox: Sandbox): Sandbox {
    this.reserved.add(sandbox);
    return sandbox;
  }

  private release(fn: LocalFunction, sandbox: Sandbox): void {
    this.reserved.delete(sandbox);
    const next = fn.waiting.shift();
    if (!this.retired.delete(sandbox)) {
      if (next !== undefined) next(sandbox);
      return;
    }
    // A sandbox of an older configuration (or of a removed function) ends; a waiter gets a new one.
    sandbox.stop();
    if (next !== undefined) next(this.spawn(fn));
  }
}

export const newUuid = () => randomUUID();

/** Throws UnsupportedRuntimeError, naming the function, when this machine has no Node for its runtime. */
function checkRunnable(config: Omit<SandboxConfig, 'onLog'>): void {
  try {
    nodeExecutableFor(config.runtime);
  } catch (error) {
    if (!(error instanceof UnsupportedRuntimeError)) throw error;
    throw new UnsupportedRuntimeError(error.runtime, `function ${config.functionName}: ${error.message}`);
  }
}
