import type { OutputsFile } from '../local/assembly/references';
import type { LocalCloud } from '../local/cloud';
import { OUTBOX_ATTRIBUTE, outboxEventId, parseOutbox, type OutboxEntry } from '../functions/shared/outbox';
import { percentile, round } from './stats';
import type { Percentiles } from './saga';

/** One function's share of a run. */
export interface FunctionUsage {
  invocationsPerOrder: number;
  /** Median duration of its invocations. */
  medianMs: number;
  gbSecondsPerOrder: number;
}

/** What the outbox relays did in a run, and what they add to an order's latency. */
export interface RelayUsage {
  invocationsPerOrder: number;
  recordsPerInvocation: number;
  /** The relay invocations' own duration (reading the batch, PutEvents, answering). */
  durationMs: Percentiles;
  /**
   * Per relayed event: from its creation in the producing handler (`metadata.occurredAt`, to the
   * millisecond) to the end of the relay invocation that published it: the handler's write, the
   * stream's delivery to the mapping, and the relay's work. What a handler publishing directly did
   * not wait for (its own PutEvents aside).
   */
  delayMs: Percentiles;
}

/**
 * Counts each function's invocations, durations and GB-seconds, and how long the relays took to
 * publish each event, by wrapping the local cloud's Lambda invoke (the local cloud counts totals
 * only; it is not the benchmark's to change). Every invocation goes through it: SQS and stream
 * mappings, asynchronous and API invokes.
 */
export class FunctionMeter {
  private readonly calls = new Map<string, { durations: number[]; gbSeconds: number }>();
  private relayRecords = 0;
  private relayDelays: number[] = [];
  private readonly names = new Map<string, string>();
  private readonly relays = new Set<string>();

  constructor(cloud: LocalCloud, outputs: OutputsFile) {
    for (const stack of Object.values(outputs)) {
      for (const [key, value] of Object.entries(stack)) {
        if (!key.endsWith('FunctionName')) continue;
        const name = key.slice(0, -'FunctionName'.length);
        this.names.set(value, name);
        if (name.endsWith('Relay')) this.relays.add(value);
      }
    }
    const { lambda } = cloud;
    const invoke = lambda.invoke.bind(lambda);
    lambda.invoke = async (fn, event, options) => {
      const outcome = await invoke(fn, event, options);
      const calls = this.calls.get(fn.name) ?? { durations: [], gbSeconds: 0 };
      calls.durations.push(outcome.durationMs);
      calls.gbSeconds += (Math.ceil(outcome.durationMs) / 1000) * (fn.config.memoryMb / 1024);
      this.calls.set(fn.name, calls);
      if (this.relays.has(fn.name)) this.relayed(event, cloud.clock.now());
      return outcome;
    };
  }

  /** Starts a run's window: what came before is forgotten. */
  reset(): void {
    this.calls.clear();
    this.relayRecords = 0;
    this.relayDelays = [];
  }

  /** Each function's share of the run, by the name its stack output gives it (the hop's or relay's name). */
  functions(orders: number): Record<string, FunctionUsage> {
    const rows = [...this.calls].map(([fn, { durations, gbSeconds }]) => [
      this.names.get(fn) ?? fn,
      { invocationsPerOrder: round(durations.length / orders, 3), medianMs: percentile([...durations].sort((a, b) => a - b), 0.5), gbSecondsPerOrder: round(gbSeconds / orders, 5) },
    ] as const);
    return Object.fromEntries(rows.sort((a, b) => a[0].localeCompare(b[0])));
  }

  relay(orders: number): RelayUsage {
    const durations = [...this.calls].filter(([fn]) => this.relays.has(fn)).flatMap(([, c]) => c.durations).sort((a, b) => a - b);
    const delays = [...this.relayDelays].sort((a, b) => a - b);
    const p = (sorted: number[]): Percentiles => ({ p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) });
    return {
      invocationsPerOrder: round(durations.length / orders, 3),
      recordsPerInvocation: round(this.relayRecords / Math.max(1, durations.length), 1),
      durationMs: p(durations),
      delayMs: p(delays),
    };
  }

  /** The delay of each event a relay invocation published: those its new image holds and the old did not. */
  private relayed(event: unknown, endedAt: number): void {
    const records = (event as { Records?: Array<{ dynamodb?: { NewImage?: Image; OldImage?: Image } }> }).Records ?? [];
    this.relayRecords += records.length;
    for (const record of records) {
      const before = new Set(outbox(record.dynamodb?.OldImage).map((e) => outboxEventId(e) ?? e.Detail));
      for (const entry of outbox(record.dynamodb?.NewImage)) {
        if (before.has(outboxEventId(entry) ?? entry.Detail)) continue;
        const occurredAt = Date.parse(occurred(entry) ?? '');
        if (Number.isFinite(occurredAt)) this.relayDelays.push(endedAt - occurredAt);
      }
    }
  }
}

type Image = Record<string, { S?: string } | undefined>;

function outbox(image: Image | undefined): OutboxEntry[] {
  const value = image?.[OUTBOX_ATTRIBUTE]?.S;
  if (value === undefined) return [];
  try {
    return parseOutbox(value);
  } catch {
    return []; // a malformed outbox publishes nothing: the relay reports it, the benchmark skips it
  }
}

function occurred(entry: OutboxEntry): string | undefined {
  try {
    return (JSON.parse(entry.Detail) as { metadata?: { occurredAt?: string } }).metadata?.occurredAt;
  } catch {
    return undefined;
  }
}

/**
 * Relay hops on a shipped order's way to its final status, by the subscriptions: StockReserved
 * (Inventory's relay), PaymentAuthorized (Payments'), ShipmentScheduled (Shipping's) and
 * OrderStatusChanged SHIPPED (Orders'). A cancelled order takes two or three. Before the outbox,
 * each handler published its events itself: no hop.
 */
export const RELAY_HOPS_ON_SHIPPED_PATH = 4;
