import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');

/**
 * `npm run bench` with a tiny n: the shape of its result and that its parts agree with each other.
 * No timed assertion: how fast is the benchmark's business, not the test's.
 */
describe('npm run bench', () => {
  it('measures the saga, the functions, the cost of the default, batched and naive settings, the relays and the local cloud, and keeps the result', async () => {
    // Prepare
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    const args = ['--json', '--orders', '12', '--batched-orders', '8', '--naive-orders', '8', '--events', '200', '--init-runs', '1', '--boot-runs', '1', '--app', process.env['TEST_ASSEMBLY']!, '--results-dir', resultsDir];

    // Act
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, timeout: 540_000, maxBuffer: 10_000_000 });

    // Assess
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    for (const key of ['ordersPerSecond', 'storeWritesPerSecond', 'writesPerOrder', 'writeUnitsPerOrder', 'efficiency', 'costPerMillionOrders', 'naiveCostPerMillionOrders', 'costRatio', 'bootSeconds', 'routedEventsPerSecond']) {
      expect({ key, value: result[key] }).toEqual({ key, value: expect.any(Number) });
      expect({ key, positive: (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    const batched = result['batched'] as Record<string, unknown>;
    expect(batched['settings']).toEqual({ batchSize: 100, maxBatchingWindowSeconds: 1 });
    expect(result['settings']).toEqual({ batchSize: 10, maxBatchingWindowSeconds: 0 });
    for (const key of ['ordersPerSecond', 'writeUnitsPerOrder', 'costPerMillionOrders']) expect({ key, positive: (batched[key] as number) > 0 }).toEqual({ key, positive: true });
    const relay = result['relay'] as { invocationsPerOrder: number; recordsPerInvocation: number; hopsOnShippedOrderPath: number; atHalfPeak: Record<string, Record<string, number>>; atPeak: Record<string, Record<string, number>> };
    expect(relay.invocationsPerOrder).toBeGreaterThan(0);
    expect(relay.recordsPerInvocation).toBeGreaterThanOrEqual(1);
    for (const latency of [result['latencyMs'], result['latencyAtPeakMs'], batched['latencyMs'], batched['latencyAtPeakMs'], relay.atHalfPeak['durationMs'], relay.atHalfPeak['delayMs'], relay.atPeak['delayMs']] as Array<Record<string, number>>) {
      expect(Object.keys(latency).sort()).toEqual(['p50', 'p95', 'p99']);
      expect(latency['p50']).toBeLessThanOrEqual(latency['p95']!);
      expect(latency['p95']).toBeLessThanOrEqual(latency['p99']!);
    }
    // Each relayed event took some time from its handler to the bus.
    expect(relay.atHalfPeak['delayMs']!['p50']).toBeGreaterThan(0);

    // The write units by table add up to the total (each rounded to the cent of a unit).
    const tables = Object.values(result['tableWritesPerOrder'] as Record<string, { writeUnits: number }>);
    expect(tables.reduce((sum, t) => sum + t.writeUnits, 0)).toBeCloseTo(result['writeUnitsPerOrder'] as number, 0);
    expect(result['costRatio']).toBeCloseTo((result['costPerMillionOrders'] as number) / (result['naiveCostPerMillionOrders'] as number), 1);
    expect(result['efficiency']).toBeCloseTo(((result['ordersPerSecond'] as number) * (result['writesPerOrder'] as number)) / (result['storeWritesPerSecond'] as number), 1);

    const handlers = result['handlers'] as Array<Record<string, unknown>>;
    expect(handlers.map((h) => h['name']).sort()).toEqual([
      'AuthorizePayment', 'InventoryRelay', 'OrdersRelay', 'PaymentsRelay', 'RecordEvent', 'RecordOrder', 'ReleaseStock', 'ReserveStock', 'ScheduleShipment', 'SendNotification', 'ShippingRelay', 'UpdateOrderStatus',
    ]);
    for (const handler of handlers) {
      for (const key of ['bundleBytes', 'gzipBytes', 'coldInitMs', 'floorInitMs', 'warmInvokeMs']) expect({ handler: handler['name'], key, positive: (handler[key] as number) > 0 }).toEqual({ handler: handler['name'], key, positive: true });
      expect(handler['gzipBytes'] as number).toBeLessThan(handler['bundleBytes'] as number);
    }

    // The naive baseline invokes once per record, and every event has at least one consumer (Audit).
    const usage = result['cost'] as { tuned: Record<string, number>; batched: Record<string, number>; usagePerOrder: Record<string, number>; naiveUsagePerOrder: Record<string, number> };
    expect(usage.naiveUsagePerOrder['lambdaInvocations']!).toBeGreaterThanOrEqual(usage.naiveUsagePerOrder['eventbridgeEvents']!);
    expect(usage.usagePerOrder['dynamodbWriteUnits']!).toBeGreaterThan(0);
    // The relays' invocations are Lambda invocations, shown apart; their stream reads are itemized (free for Lambda triggers).
    expect(usage.usagePerOrder['relayInvocations']!).toBeGreaterThan(0);
    expect(usage.usagePerOrder['relayInvocations']!).toBeLessThan(usage.usagePerOrder['lambdaInvocations']!);
    expect(usage.usagePerOrder['dynamodbStreamReadRequests']!).toBeGreaterThan(0);
    expect(Object.keys(usage.tuned).sort()).toEqual(['dynamodb', 'dynamodbStreams', 'eventbridge', 'lambdaDuration', 'lambdaRequests', 'logs', 'sqs']);
    expect(Object.keys(usage.batched).sort()).toEqual(Object.keys(usage.tuned).sort());

    const files = fs.readdirSync(resultsDir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(resultsDir, files[0]!), 'utf8'))).toEqual(result);
  }, 570_000);
});
