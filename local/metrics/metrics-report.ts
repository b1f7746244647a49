import type { MetricSeries, MetricStore } from './metric-store';

/** A series as the `/_local/metrics` route answers it (JSON: sets as arrays, times as ISO strings). */
export function seriesJson(series: MetricSeries) {
  return {
    namespace: series.namespace,
    name: series.name,
    unit: series.unit,
    dimensions: series.dimensions,
    sampleCount: series.sampleCount,
    sum: series.sum,
    minimum: series.minimum,
    maximum: series.maximum,
    average: series.sampleCount === 0 ? 0 : series.sum / series.sampleCount,
    lastTimestamp: new Date(series.lastTimestamp).toISOString(),
    functions: [...series.functions].sort(),
  };
}

/** The store's contents, optionally of one namespace or metric name. */
export function metricsJson(store: MetricStore, filter: { readonly namespace?: string; readonly name?: string } = {}) {
  return { records: store.records, dropped: store.dropped, series: store.list(filter).map(seriesJson) };
}

/**
 * A few lines for a terminal: each metric with its dimensions (the `service` dimension shortened to
 * its value), counts as totals, durations as average and maximum.
 */
export function metricsSummary(store: MetricStore): string[] {
  const series = store.list();
  if (series.length === 0) return ['metrics:  none emitted (handlers write them in embedded metric format)'];
  const rows = series.map((s) => {
    const dims = Object.entries(s.dimensions).map(([k, v]) => (k === 'service' ? v : `${k}=${v}`)).join(' ');
    const value = s.unit === 'Count' ? String(s.sum) : `avg ${formatNumber(s.sum / s.sampleCount)} max ${formatNumber(s.maximum)} ${s.unit === 'Milliseconds' ? 'ms' : s.unit} (${s.sampleCount})`;
    return [`${s.name}${dims === '' ? '' : ` [${dims}]`}`, value] as const;
  });
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `metrics:  ${store.records} EMF records, ${series.length} series${store.dropped > 0 ? `, ${store.dropped} datapoints dropped (series bound)` : ''}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ];
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
