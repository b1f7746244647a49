import { Duration } from 'aws-cdk-lib';
import type { HopTuning } from '../infra/stacks/service-stack';

/** How a variant of the shop polls its queues, as the bench reports it. */
export interface Variant {
  readonly label: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly hopTuning: HopTuning;
}

function variant(label: string, batchSize: number, windowSeconds: number): Variant {
  return { label, batchSize, maxBatchingWindowSeconds: windowSeconds, hopTuning: { batchSize, maxBatchingWindow: Duration.seconds(windowSeconds) } };
}

/**
 * The app as deployed: no tuning passed, so the saga's hops keep the construct's defaults (batch 10,
 * no window) and the hops no order waits on keep theirs (`OFF_CRITICAL_PATH`: batch 100, 1 s window).
 */
export const DEFAULT = variant('as deployed (saga hops: batch 10, no window; audit, notifications: batch 100, 1 s window)', 10, 0);
/** Batching as a lever: larger batches, which Lambda allows only with a window of at least 1 s. */
export const BATCHED = variant('batched (batch 100, 1 s window)', 100, 1);
/** The baseline a first attempt usually is: one record per invocation. */
export const NAIVE = variant('naive (batch 1, no window)', 1, 0);
