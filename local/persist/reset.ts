import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Archives } from '../eventbridge/archives';
import type { LambdaService } from '../lambda/lambda-service';
import type { LogStore } from '../logs/log-store';
import type { MetricStore } from '../metrics/metric-store';
import type { SettleResult } from '../settle';
import type { SqsService } from '../sqs/sqs-service';
import { emptyTables } from './empty-tables';

/** What `POST /_local/reset` empties; the deployed app (stacks, functions, rules, mappings, queues, tables) stays. */
export interface ResetTargets {
  /** Lets work under way finish first (retries, delays and batching windows warped through). */
  readonly settle: (timeoutMs: number) => Promise<SettleResult>;
  readonly dynamodb?: DynamoDBClient;
  readonly sqs: SqsService;
  readonly archives: Archives;
  readonly logs: LogStore;
  readonly metrics: MetricStore;
  readonly lambda: LambdaService;
  /** The flight recorder, when the cloud has one. */
  readonly recorder?: { all(): readonly unknown[]; clear(): void };
}

export interface ResetResult {
  /** False when work was still under way at the deadline: it was emptied anyway, and may still land. */
  readonly settled: boolean;
  readonly removed: {
    /** Items per table that had any. */
    readonly items: Record<string, number>;
    /** Messages per queue that had any (visible, in flight and delayed). */
    readonly messages: Record<string, number>;
    readonly archivedEvents: number;
    readonly replays: number;
    readonly recorderHops: number;
    readonly logEvents: number;
    readonly metricSeries: number;
    /** Warm sandboxes retired: the next invocation of each function starts cold. */
    readonly sandboxes: number;
  };
}

/**
 * Empties the local cloud's data and keeps the deployed app. First it settles (bounded): retries,
 * delayed messages and deliveries scheduled on the cloud's clock run out now rather than land in the
 * emptied cloud afterwards (they have no cancel of their own; settling runs them to an end, warping
 * their waits). Then: table items (tables kept), queue messages (queues and attributes kept), archived
 * events and replays, the recorder, log events (groups kept), metrics. Warm sandboxes are retired too:
 * their module scope holds what earlier invocations left there (caches, a circuit breaker's counts,
 * configuration read at load), and a reset that kept it would let the next run depend on the last.
 */
export async function resetCloud(targets: ResetTargets, settleTimeoutMs: number): Promise<ResetResult> {
  const settled = await targets.settle(settleTimeoutMs);
  const items = targets.dynamodb === undefined ? {} : await emptyTables(targets.dynamodb);
  const messages: Record<string, number> = {};
  for (const queue of targets.sqs.allQueues()) {
    const { ready, inflight, delayed } = queue.approximate;
    if (ready + inflight + delayed > 0) messages[queue.name] = ready + inflight + delayed;
    queue.purge();
  }
  const archived = targets.archives.clear();
  const recorderHops = targets.recorder?.all().length ?? 0;
  targets.recorder?.clear();
  let logEvents = 0;
  for (const group of targets.logs.groups.values()) {
    for (const stream of [...group.streams.values()]) {
      logEvents += stream.events.length;
      targets.logs.deleteStream(group, stream);
    }
  }
  const metricSeries = targets.metrics.clear();
  let sandboxes = 0;
  for (const fn of targets.lambda.all()) {
    sandboxes += fn.sandboxes.length;
    targets.lambda.reconfigure(fn, fn.config);
  }
  return {
    settled: settled.settled,
    removed: { items, messages, archivedEvents: archived.events, replays: archived.replays, recorderHops, logEvents, metricSeries, sandboxes },
  };
}
