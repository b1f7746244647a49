import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { parseEmfLine } from '../../local/metrics/emf';
import { MetricStore } from '../../local/metrics/metric-store';
import { metricsSummary } from '../../local/metrics/metrics-report';

/** A line as Powertools writes it: the EMF record of the metrics added by `add`. */
function powertoolsLine(add: (metrics: Metrics) => void, dimensions: Record<string, string> = {}): string {
  const metrics = new Metrics({ namespace: 'ShopPipeline/test', serviceName: 'RecordOrder' });
  for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
  add(metrics);
  return JSON.stringify(metrics.serializeMetrics());
}

describe('parseEmfLine', () => {
  it("reads Powertools' records: every metric under every dimension set, with its unit and the record's timestamp", () => {
    // Prepare: a timestamp CloudWatch would take (within the last 14 days).
    const at = Date.now() - 60_000;
    const line = powertoolsLine((m) => m.addMetric('OrdersPlaced', MetricUnit.Count, 1).addMetric('TimeToDelivery', MetricUnit.Milliseconds, 1500).setTimestamp(at));

    // Act
    const points = parseEmfLine(line);

    // Assess
    expect(points).toEqual([
      { namespace: 'ShopPipeline/test', name: 'OrdersPlaced', unit: 'Count', dimensions: { service: 'RecordOrder' }, values: [1], timestamp: at },
      { namespace: 'ShopPipeline/test', name: 'TimeToDelivery', unit: 'Milliseconds', dimensions: { service: 'RecordOrder' }, values: [1500], timestamp: at },
    ]);
  });

  it('keeps a metric added several times as its values, and a dimension added to the record', () => {
    const line = powertoolsLine((m) => m.addMetric('OrdersCancelled', MetricUnit.Count, 1).addMetric('OrdersCancelled', MetricUnit.Count, 1), { reason: 'OUT_OF_STOCK' });
    expect(parseEmfLine(line)).toEqual([expect.objectContaining({ name: 'OrdersCancelled', dimensions: { service: 'RecordOrder', reason: 'OUT_OF_STOCK' }, values: [1, 1] })]);
  });

  it('reads a record after a prefix (a runtime that prefixes its lines) and with several dimension sets', () => {
    const record = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['a'], ['a', 'b'], []], Metrics: [{ Name: 'M' }] }] }, a: 'x', b: 'y', M: 2 };
    const points = parseEmfLine(`2026-01-01T00:00:00.000Z\tabc-123\tINFO\t${JSON.stringify(record)}`);
    expect(points.map((p) => p.dimensions)).toEqual([{ a: 'x' }, { a: 'x', b: 'y' }, {}]);
    expect(points.map((p) => p.unit)).toEqual(['None', 'None', 'None']);
  });

  it.each([
    ['a plain line', 'order recorded'],
    ['a JSON log line', JSON.stringify({ level: 'INFO', message: 'ok', _aws: 'not a directive' })],
    ['broken JSON naming _aws', '{"_aws": {"CloudWatchMetrics": ['],
    ['a record without a timestamp', JSON.stringify({ _aws: { CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: 'M' }] }] }, M: 1 })],
    ['a metric without a value', JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: 'M' }] }] } })],
    ['a non-numeric value', JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: 'M' }] }] }, M: 'one' })],
    ['a dimension whose value is missing', JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'M' }] }] }, M: 1 })],
    ['a directive without a namespace', JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Dimensions: [], Metrics: [{ Name: 'M' }] }] }, M: 1 })],
  ])('finds no datapoint in %s', (_what, line) => {
    expect(parseEmfLine(line)).toEqual([]);
  });
});

describe('MetricStore', () => {
  const line = (name: string, value: number, dimensions: Record<string, string> = {}) =>
    JSON.stringify({ _aws: { Timestamp: 1000 + value, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: 'Count' }] }] }, ...dimensions, [name]: value });

  it('aggregates each series (sum, count, minimum, maximum) and totals a metric over its dimension values', () => {
    // Prepare
    const store = new MetricStore();

    // Act
    store.receive('fn-a', line('OrdersCancelled', 1, { reason: 'OUT_OF_STOCK' }));
    store.receive('fn-b', line('OrdersCancelled', 3, { reason: 'OUT_OF_STOCK' }));
    store.receive('fn-a', line('OrdersCancelled', 2, { reason: 'PAYMENT_DECLINED' }));
    store.receive('fn-a', 'not a metric');

    // Assess
    expect(store.records).toBe(3);
    expect(store.list().map((s) => ({ dimensions: s.dimensions, sum: s.sum, sampleCount: s.sampleCount, minimum: s.minimum, maximum: s.maximum, functions: [...s.functions].sort() }))).toEqual([
      { dimensions: { reason: 'OUT_OF_STOCK' }, sum: 4, sampleCount: 2, minimum: 1, maximum: 3, functions: ['fn-a', 'fn-b'] },
      { dimensions: { reason: 'PAYMENT_DECLINED' }, sum: 2, sampleCount: 1, minimum: 2, maximum: 2, functions: ['fn-a'] },
    ]);
    expect(store.total('OrdersCancelled')).toBe(6);
    expect(store.total('OrdersCancelled', 'Other')).toBe(0);
  });

  it('stays bounded: series past the bound are dropped and counted, the recent datapoints keep the latest', () => {
    const store = new MetricStore({ maxSeries: 2, maxRecent: 3 });
    for (let i = 1; i <= 5; i++) store.receive('fn', line(`M${i}`, i));
    store.receive('fn', line('M1', 10));

    expect(store.list().map((s) => s.name)).toEqual(['M1', 'M2']);
    expect(store.dropped).toBe(3);
    expect(store.recent().map((p) => [p.name, p.values[0]])).toEqual([['M1', 1], ['M2', 2], ['M1', 10]]);
  });

  it('summarizes counts as totals and durations as average and maximum', () => {
    const store = new MetricStore();
    store.receive('fn', powertoolsLine((m) => m.addMetric('OrdersPlaced', MetricUnit.Count, 2)));
    store.receive('fn', powertoolsLine((m) => m.addMetric('TimeToDelivery', MetricUnit.Milliseconds, 100)));
    store.receive('fn', powertoolsLine((m) => m.addMetric('TimeToDelivery', MetricUnit.Milliseconds, 300)));

    expect(metricsSummary(store)).toEqual([
      'metrics:  3 EMF records, 2 series',
      '  OrdersPlaced [RecordOrder]    2',
      '  TimeToDelivery [RecordOrder]  avg 200 max 300 ms (2)',
    ]);
    expect(metricsSummary(new MetricStore())).toEqual([expect.stringMatching(/^metrics: +none emitted/)]);
  });
});

describe('GET /_local/metrics', () => {
  let cloud: LocalCloud;
  let assetDirectory: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, dynamodb: false });
    assetDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'emf-fn-'));
    // A function printing one EMF record per invocation, as Powertools does, between ordinary log lines.
    fs.writeFileSync(
      path.join(assetDirectory, 'index.js'),
      `exports.handler = async (event) => {
        console.log('handling ' + event.order);
        console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'ShopPipeline/test', Dimensions: [['service']], Metrics: [{ Name: 'OrdersPlaced', Unit: 'Count' }] }] }, service: 'Emitter', OrdersPlaced: 1 }));
        return 'ok';
      };`,
    );
    const fn = cloud.lambda.create({ functionName: 'emf-emitter', assetDirectory, handler: 'index.handler', runtime: 'nodejs22.x', timeoutSeconds: 5, memoryMb: 256, region: 'us-east-1', accountId: '000000000000', environment: {} });
    await cloud.lambda.invoke(fn, { order: 'ord-1' });
    await cloud.lambda.invoke(fn, { order: 'ord-2' });
  });

  afterAll(async () => {
    await cloud?.stop();
    fs.rmSync(assetDirectory, { recursive: true, force: true });
  });

  it("answers what functions emitted, totalled per series, filtered by name", async () => {
    // Act
    const all = await fetch(`${cloud.endpoint}/_local/metrics`);
    const none = await fetch(`${cloud.endpoint}/_local/metrics?name=OrdersShipped`);

    // Assess
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({
      records: 2,
      dropped: 0,
      series: [
        expect.objectContaining({ namespace: 'ShopPipeline/test', name: 'OrdersPlaced', unit: 'Count', dimensions: { service: 'Emitter' }, sum: 2, sampleCount: 2, functions: ['emf-emitter'] }),
      ],
    });
    expect(((await none.json()) as { series: unknown[] }).series).toEqual([]);
  });

  it('answers a page of its own origin, and refuses a page of another origin', async () => {
    const own = await fetch(`${cloud.endpoint}/_local/metrics`, { headers: { origin: cloud.endpoint } });
    const other = await fetch(`${cloud.endpoint}/_local/metrics`, { headers: { origin: 'https://example.com' } });

    expect(own.status).toBe(200);
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ message: expect.stringContaining('https://example.com') });
  });
});
