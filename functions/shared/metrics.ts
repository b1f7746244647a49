import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName } from './metric-names';

/**
 * One Powertools Metrics buffer per function (embedded metric format, written to stdout, where
 * CloudWatch Logs turns it into metrics: no PutMetricData call, no latency). The namespace comes from
 * POWERTOOLS_METRICS_NAMESPACE (set per stage by the infrastructure); the `service` dimension from
 * POWERTOOLS_SERVICE_NAME. A handler loaded without them (a unit test) still works, under `ShopPipeline`.
 * The SQS consumer flushes the buffer once per invocation (`flushMetrics`).
 */
const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] || 'ShopPipeline' });

/** Adds `value` to a count of this invocation. */
export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Records a duration (ms) of this invocation. */
export function durationMetric(name: MetricName, milliseconds: number): void {
  if (Number.isFinite(milliseconds) && milliseconds >= 0) metrics.addMetric(name, MetricUnit.Milliseconds, milliseconds);
}

/**
 * Counts one with a `reason` dimension. Written at once as its own EMF line: a dimension added to the
 * shared buffer would apply to every metric of the invocation (the other records' too).
 */
export function countByReason(name: MetricName, reason: string): void {
  const single = metrics.singleMetric();
  single.addDimension('reason', reason);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** A record whose effect was already in place (a copy of an event, a stale one): counted, not an error. */
export function countDuplicateSkipped(): void {
  countMetric('DuplicatesSkipped');
}

/** Writes the invocation's metrics (one EMF line); nothing when there are none (no empty-buffer warning). */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
