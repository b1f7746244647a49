import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '../../local/cloud';
import { startShopCloud } from '../../scripts/payment-provider/local-provider';
import { eventIdentity } from '../../functions/events/contract';
import { output } from '../../scripts/outputs';
import { orderEntry, poisonEntry, sampleOrder } from '../../scripts/sample-orders';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { ShopClient } from '../../scripts/shop-client';

/** The operator tools against the local cloud, as an operator runs them: AWS APIs, outputs file, endpoint. */
const ROOT = path.join(__dirname, '..', '..');
let cloud: LocalCloud;
let shop: ShopClient;
let outputsFile: string;
/** ReserveStock fails every invocation while this is set (an outage to recover from). */
let outage = true;
/** The Orders table's outbox relay fails every invocation while this is set. */
let relayOutage = false;

beforeAll(async () => {
  outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'operator-')), 'outputs.json');
  cloud = await startShopCloud({ port: 0, app: process.env['TEST_ASSEMBLY']!, outputsFile, invokeFault: (fn) => ((outage && fn.name.includes('ReserveStock')) || (relayOutage && fn.name.includes('OrdersRelay')) ? 'error' : undefined) });
  shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  await seedProducts(shop.dynamo, shop.table('Inventory'), readProducts(path.join(ROOT, 'data', 'products.json')));
});
afterAll(async () => {
  shop.destroy();
  await cloud.stop();
});

async function tool(name: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)('npx', ['tsx', `scripts/operator/${name}.ts`, ...args, '--outputs', outputsFile, '--endpoint', cloud.endpoint, '--json'], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').pop()!) as unknown;
}

describe('operator tools', () => {
  it('lists DLQ messages with their reason, receive count and age; redrives them after the outage; replays a window', async () => {
    // Prepare: an outage of ReserveStock parks an order's event; a poison event is parked everywhere.
    const start = new Date(Date.now() - 1000);
    await shop.put([orderEntry(sampleOrder('op-1', 'delivered')), poisonEntry('op-poison')]);
    expect((await cloud.settle(60_000)).settled).toBe(true);

    // Act + Assess: dlq
    const letters = (await tool('dlq', 'all')) as Array<{ queue: string; reason: string; receiveCount: number; ageSeconds: number; body: string }>;
    const poisonInRecordOrder = letters.find((l) => l.queue === 'RecordOrderDeadLetterQueue' && l.body.includes('op-poison'));
    expect(poisonInRecordOrder?.reason).toMatch(/^InvalidEventError: invalid OrderPlaced: customerId: Invalid input: expected string, received number/);
    expect(poisonInRecordOrder?.receiveCount).toBe(5);
    expect(poisonInRecordOrder?.ageSeconds).toBeGreaterThanOrEqual(0);
    const outageLetter = letters.find((l) => l.queue === 'ReserveStockDeadLetterQueue' && l.body.includes('"op-1"'));
    expect(outageLetter?.reason).toMatch(/failed as a whole/);
    expect(((await tool('dlq', 'reserve-stock')) as unknown[]).length).toBe(2);

    // Act + Assess: redrive, once the outage is over
    outage = false;
    const moved = (await tool('redrive', 'ReserveStockDeadLetterQueue')) as Array<{ queue: string; moved: number }>;
    expect(moved).toEqual([expect.objectContaining({ queue: 'ReserveStockDeadLetterQueue', moved: 2 })]);
    expect((await cloud.settle(60_000)).settled).toBe(true);
    const order = (await shop.orders()).find((o) => o['orderId'] === 'op-1');
    expect(order).toMatchObject({ status: 'SHIPPED' });
    // The poison event fails again and is parked again: redriving never loses it.
    expect(((await tool('dlq', 'reserve-stock')) as Array<{ body: string }>).map((l) => l.body.includes('op-poison'))).toEqual([true]);

    // Act + Assess: replay OrderPlaced events only, with no second effect
    const before = await shop.scan(shop.table('Notifications'));
    const replay = (await tool('replay', '--from', start.toISOString(), '--to', new Date(Date.now() + 1000).toISOString(), '--detail-type', 'OrderPlaced')) as { state: string; rules: number };
    expect(replay).toMatchObject({ state: 'COMPLETED', rules: 3 });
    expect((await cloud.settle(60_000)).settled).toBe(true);
    expect(await shop.scan(shop.table('Notifications'))).toHaveLength(before.length);
  }, 120_000);

  it('redrives the stream batches an outbox relay gave up on: their events published from the stream, once', async () => {
    // Prepare: while the Orders relay is down, an order goes through its saga (the other relays
    // publish), and every status change it writes is retried, then given up on to the relay's queue.
    const statusChanges = () =>
      cloud.eventBridge.archives
        .eventsOf(output(shop.outputs, 'DomainArchiveName'))
        .filter((e) => e['detail-type'] === 'OrderStatusChanged' && (e.detail as { data?: { orderId?: string } }).data?.orderId === 'op-relay');
    relayOutage = true;
    await shop.put([orderEntry(sampleOrder('op-relay', 'delivered'))]);
    expect((await cloud.settle(60_000)).settled).toBe(true);
    relayOutage = false;
    expect((await shop.orders()).find((o) => o['orderId'] === 'op-relay')).toMatchObject({ status: 'SHIPPED' });
    expect(statusChanges()).toEqual([]);
    const letters = (await tool('dlq', 'orders-relay')) as Array<{ reason: string }>;
    expect(letters.length).toBeGreaterThan(0);
    for (const letter of letters) expect(letter.reason).toMatch(/^RetryAttemptsExhausted after 11 invocations \(Unhandled\): \d+ stream records of .*OrdersTable.*, sequence numbers \d+\.\.\d+ on /);

    // Act
    const [result] = (await tool('redrive', 'OrdersRelayDeadLetterQueue')) as Array<{ queue: string; moved: number; events: number }>;
    expect((await cloud.settle(60_000)).settled).toBe(true);

    // Assess: every status change the order's writes owed is published, each once, and reaches its consumers.
    expect(result).toMatchObject({ queue: 'OrdersRelayDeadLetterQueue', moved: letters.length });
    const published = statusChanges();
    expect(published).toHaveLength(result!.events);
    expect(new Set(published.map((e) => eventIdentity(e))).size).toBe(published.length);
    expect(published.map((e) => (e.detail as { data: { to: string } }).data.to)).toContain('SHIPPED');
    const audited = (await shop.auditTrail()).filter((item) => item['pk'] === 'ORDER#op-relay' && item['detailType'] === 'OrderStatusChanged');
    expect(audited).toHaveLength(published.length);
    const notified = (await shop.scan(shop.table('Notifications'))).filter((item) => item['orderId'] === 'op-relay');
    expect(notified.map((item) => item['status'])).toContain('SHIPPED');
    // The queue is empty: a second redrive publishes nothing again.
    expect(await tool('dlq', 'orders-relay')).toEqual([]);
    expect(await tool('redrive', 'OrdersRelayDeadLetterQueue')).toEqual([expect.objectContaining({ moved: 0, events: 0 })]);
  }, 120_000);

  it('names the queues it knows when given an unknown one', async () => {
    await expect(tool('dlq', 'nope')).rejects.toThrow(/no dead-letter queue named "nope"; the app has: .*RecordOrderDeadLetterQueue/);
  });
});
