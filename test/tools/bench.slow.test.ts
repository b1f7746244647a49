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
  it('measures the saga, the handlers, the cost against the naive baseline and the local cloud, and keeps the result', async () => {
    // Prepare
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    const args = ['--json', '--orders', '12', '--naive-orders', '8', '--events', '200', '--init-runs', '1', '--boot-runs', '1', '--app', process.env['TEST_ASSEMBLY']!, '--results-dir', resultsDir];

    // Act
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, timeout: 420_000, maxBuffer: 10_000_000 });

    // Assess
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    for (const key of ['ordersPerSecond', 'storeWritesPerSecond', 'writesPerOrder', 'efficiency', 'costPerMillionOrders', 'naiveCostPerMillionOrders', 'costRatio', 'bootSeconds', 'routedEventsPerSecond']) {
      expect({ key, value: result[key] }).toEqual({ key, value: expect.any(Number) });
      expect({ key, positive: (result[key] as number) > 0 }).toEqual({ key, positive: true });
    }
    const latency = result['latencyMs'] as Record<string, number>;
    expect(Object.keys(latency).sort()).toEqual(['p50', 'p95', 'p99']);
    expect(latency['p50']).toBeLessThanOrEqual(latency['p95']!);
    expect(latency['p95']).toBeLessThanOrEqual(latency['p99']!);
    expect(result['costRatio']).toBeCloseTo((result['costPerMillionOrders'] as number) / (result['naiveCostPerMillionOrders'] as number), 1);
    expect(result['efficiency']).toBeCloseTo(((result['ordersPerSecond'] as number) * (result['writesPerOrder'] as number)) / (result['storeWritesPerSecond'] as number), 1);

    const handlers = result['handlers'] as Array<Record<string, unknown>>;
    expect(handlers.map((h) => h['name']).sort()).toEqual(['AuthorizePayment', 'RecordEvent', 'RecordOrder', 'ReleaseStock', 'ReserveStock', 'ScheduleShipment', 'SendNotification', 'UpdateOrderStatus']);
    for (const handler of handlers) {
      for (const key of ['bundleBytes', 'gzipBytes', 'coldInitMs', 'floorInitMs', 'warmInvokeMs']) expect({ handler: handler['name'], key, positive: (handler[key] as number) > 0 }).toEqual({ handler: handler['name'], key, positive: true });
      expect(handler['gzipBytes'] as number).toBeLessThan(handler['bundleBytes'] as number);
    }

    // The naive baseline invokes once per record, and every event has at least one consumer (Audit).
    const usage = result['cost'] as { usagePerOrder: Record<string, number>; naiveUsagePerOrder: Record<string, number> };
    expect(usage.naiveUsagePerOrder['lambdaInvocations']!).toBeGreaterThanOrEqual(usage.naiveUsagePerOrder['eventbridgeEvents']!);
    expect(usage.usagePerOrder['dynamodbWriteUnits']!).toBeGreaterThan(0);

    const files = fs.readdirSync(resultsDir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(resultsDir, files[0]!), 'utf8'))).toEqual(result);
  }, 450_000);
});
