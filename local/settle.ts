import type { Clock } from './clock';
import type { EventBridgeService } from './eventbridge/eventbridge-service';
import type { SqsEventSourceMapping } from './lambda/event-source-mapping';
import type { LambdaService } from './lambda/lambda-service';
import type { SqsService } from './sqs/sqs-service';

/** What is still under way; all zero means settled. */
export interface Pending {
  /** Consumed queues holding messages visible, in flight or delayed. */
  queues: Array<{ name: string; visible: number; inFlight: number; delayed: number }>;
  invocations: number;
  asyncInvocations: number;
  pollersBusy: number;
  /** Pollers waiting only for their batching window (a timer). */
  pollersCollecting: number;
  deliveries: number;
  moveTasks: number;
  replays: number;
  requests: number;
  /** CloudFormation stack operations under way and change sets being planned. */
  stackOperations: number;
}

export interface SettleResult {
  settled: boolean;
  waitedMs: number;
  /** Clock time skipped while idle (visibility timeouts, retry backoff, batching windows). */
  skippedMs: number;
  pending: Pending;
}

export interface SettleSources {
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  readonly lambda?: LambdaService;
  readonly mappings: () => readonly SqsEventSourceMapping[];
  /** DynamoDB stream pollers: work while records may be waiting or a batch is under way. @default none */
  readonly streamPollers?: () => ReadonlyArray<{ readonly pending: boolean; readonly collecting: number }>;
  readonly requestsInFlight: () => number;
  /** CloudFormation stack operations under way (the engine's, and change sets being planned). @default none */
  readonly stackOperations?: () => number;
}

/**
 * Knows when the local cloud is settled: no message visible, in flight or delayed in a queue that
 * a function consumes, no DynamoDB stream record waiting for its mapping, no invocation running or
 * queued, no delivery or retry pending, no move task
 * or replay running, no request being served. While waiting for that, whenever nothing is running
 * and only timers remain, it jumps the clock to the next timer instead of sleeping through it.
 */
export class Settler {
  private waiters: Array<() => void> = [];

  constructor(private readonly sources: SettleSources) {}

  /** Wakes waiting settle calls; called on every change of state. */
  changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  pending(): Pending {
    const consumed = new Set(this.sources.mappings().filter((m) => m.config.enabled).map((m) => m.config.queue));
    const queues = [...consumed]
      .filter((q) => !q.deleted)
      .map((q) => ({ name: q.name, visible: q.approximate.ready, inFlight: q.approximate.inflight, delayed: q.approximate.delayed }))
      .filter((q) => q.visible + q.inFlight + q.delayed > 0);
    const streams = this.sources.streamPollers?.() ?? [];
    return {
      queues,
      invocations: this.sources.lambda?.metrics.running ?? 0,
      asyncInvocations: this.sources.lambda?.metrics.asyncPending ?? 0,
      pollersBusy: this.sources.mappings().reduce((sum, m) => sum + m.busy, 0) + streams.filter((s) => s.pending).length,
      pollersCollecting: this.sources.mappings().reduce((sum, m) => sum + m.collecting, 0) + streams.reduce((sum, s) => sum + (s.pending ? s.collecting : 0), 0),
      deliveries: this.sources.eventBridge.deliveries.pending,
      moveTasks: this.sources.sqs.moveTasks.active,
      replays: this.sources.eventBridge.archives.active,
      requests: this.sources.requestsInFlight(),
      stackOperations: this.sources.stackOperations?.() ?? 0,
    };
  }

  static isSettled(p: Pending): boolean {
    return p.queues.length === 0 && p.invocations + p.asyncInvocations + p.pollersBusy + p.deliveries + p.moveTasks + p.replays + p.requests + p.stackOperations === 0;
  }

  /**
   * Resolves once settled, or at the deadline with what is still pending. While only timers are left,
   * the clock is moved on to the next one (unless `warp` is false: a benchmark measures real time).
   */
  async settle(timeoutMs = 60_000, options: { warp?: boolean } = {}): Promise<SettleResult> {
    const started = Date.now();
    const clockStarted = this.sources.clock.now();
    for (;;) {
      const pending = this.pending();
      const waitedMs = Date.now() - started;
      const result = () => ({ waitedMs, skippedMs: Math.max(0, this.sources.clock.now() - clockStarted - waitedMs), pending });
      if (Settler.isSettled(pending)) return { settled: true, ...result() };
      if (waitedMs >= timeoutMs) return { settled: false, ...result() };
      if (options.warp !== false && this.idle(pending) && this.sources.clock.warp()) {
        // Let the work the timer released start before looking again.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(50, timeoutMs - waitedMs));
        this.waiters.push(() => {
          clearTimeout(timer);
          setImmediate(resolve);
        });
      });
    }
  }

  /** Nothing is running: only timers (visibility, delays, retries, windows, a replay's start) can move things on. */
  private idle(p: Pending): boolean {
    return p.invocations + (p.pollersBusy - p.pollersCollecting) + p.moveTasks + p.requests + p.stackOperations === 0 && p.queues.every((q) => q.visible === 0);
  }
}
