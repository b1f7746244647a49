import { parseEmfLine, type EmfDatapoint } from './emf';

/** One metric under one dimension set, since the local cloud started (CloudWatch's statistics over all time). */
export interface MetricSeries {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Values received (a count metric's Sum is what it counted). */
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  /** The last record's `_aws.Timestamp` (ms). */
  lastTimestamp: number;
  /** The functions that emitted it. */
  readonly functions: Set<string>;
}

export interface MetricStoreOptions {
  /** Series kept; values of series beyond it are counted as dropped. @default 2000 */
  readonly maxSeries?: number;
  /** Datapoints kept in arrival order for `recent` (the oldest go first). @default 1000 */
  readonly maxRecent?: number;
}

/** A datapoint with the function that printed it. */
export type ReceivedDatapoint = EmfDatapoint & { readonly functionName: string };

/**
 * What handlers emitted in embedded metric format, read from their output and kept in memory:
 * a running aggregate per series (bounded by `maxSeries`) and the latest datapoints (a ring of
 * `maxRecent`). CloudWatch would bucket them by minute; locally the totals since start answer the
 * questions a developer asks ("did the saga count my order?") and stay bounded under a benchmark.
 */
export class MetricStore {
  private readonly series = new Map<string, MetricSeries>();
  private readonly recentPoints: ReceivedDatapoint[] = [];
  private readonly maxSeries: number;
  private readonly maxRecent: number;
  /** EMF records (log lines) read, and datapoints of series beyond the bound. */
  records = 0;
  dropped = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.maxSeries = options.maxSeries ?? 2000;
    this.maxRecent = options.maxRecent ?? 1000;
  }

  /** Reads one line a function printed; lines without EMF are ignored. */
  receive(functionName: string, line: string): void {
    const points = parseEmfLine(line);
    if (points.length === 0) return;
    this.records++;
    for (const point of points) this.add({ ...point, functionName });
  }

  private add(point: ReceivedDatapoint): void {
    const key = seriesKey(point);
    let series = this.series.get(key);
    if (series === undefined) {
      if (this.series.size >= this.maxSeries) {
        this.dropped++;
        return;
      }
      series = { namespace: point.namespace, name: point.name, unit: point.unit, dimensions: point.dimensions, sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity, lastTimestamp: 0, functions: new Set() };
      this.series.set(key, series);
    }
    for (const value of point.values) {
      series.sampleCount++;
      series.sum += value;
      series.minimum = Math.min(series.minimum, value);
      series.maximum = Math.max(series.maximum, value);
    }
    series.lastTimestamp = Math.max(series.lastTimestamp, point.timestamp);
    series.functions.add(point.functionName);
    this.recentPoints.push(point);
    if (this.recentPoints.length > this.maxRecent) this.recentPoints.shift();
  }

  /** Every series, sorted by namespace, name and dimensions; optionally of one namespace or metric name. */
  list(filter: { readonly namespace?: string; readonly name?: string } = {}): MetricSeries[] {
    return [...this.series.entries()]
      .filter(([, s]) => (filter.namespace === undefined || s.namespace === filter.namespace) && (filter.name === undefined || s.name === filter.name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => s);
  }

  /** The latest datapoints, oldest first. */
  recent(): readonly ReceivedDatapoint[] {
    return this.recentPoints;
  }

  /** Forgets every series and datapoint (`POST /_local/reset`); the number of series removed. */
  clear(): number {
    const removed = this.series.size;
    this.series.clear();
    this.recentPoints.length = 0;
    this.records = 0;
    this.dropped = 0;
    return removed;
  }

  /** The sum of a metric over all its series (all dimension values), e.g. every OrdersCancelled whatever the reason. */
  total(name: string, namespace?: string): number {
    return this.list({ name, ...(namespace === undefined ? {} : { namespace }) }).reduce((sum, s) => sum + s.sum, 0);
  }
}

function seriesKey(point: EmfDatapoint): string {
  const dimensions = Object.entries(point.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([point.namespace, point.name, dimensions]);
}
