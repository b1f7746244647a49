import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as path from 'node:path';
import { BREAKER_KEY } from '../../functions/payments/provider-runtime';
import type { BreakerRecord } from '../../functions/shared/circuit-breaker';
import { startShopCloud, type ShopCloud } from '../../scripts/payment-provider/local-provider';
import { output } from '../../scripts/outputs';
import { eventually } from '../../scripts/poll';
import { orderEntry, sampleOrder, type SamplePath } from '../../scripts/sample-orders';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { ShopClient } from '../../scripts/shop-client';

/**
 * Chaos: the payment provider goes down for an hour while orders flow. The breaker opens after the
 * failed calls; after each cool-down one probe fails and it opens again; every order waits in the
 * authorize queue, its visibility backed off (none lost, none in a DLQ: at the queue's own 60 s
 * visibility an hour would be 60 receives, twice the DLQ's 30). The provider comes back: the next
 * probe closes the breaker and every order completes, each payment decided once, never above the
 * provider's rate limit.
 */
const ROOT = path.join(__dirname, '..', '..');
const PATHS: SamplePath[] = ['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'out-of-stock', 'credit-limit', 'declined-card'];
const FINAL: Record<SamplePath, string> = { delivered: 'SHIPPED', 'out-of-stock': 'CANCELLED', 'credit-limit': 'CANCELLED', 'declined-card': 'CANCELLED' };
const ORDERS = 24;
/** How long the provider stays down, on the cloud's clock: about 10 of the 30 receives' waits (README). */
const OUTAGE_MS = 60 * 60_000;

let cloud: ShopCloud;
let shop: ShopClient;
beforeAll(async () => {
  cloud = await startShopCloud({ port: 0, app: process.env['TEST_ASSEMBLY']! });
  shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  await seedProducts(shop.dynamo, shop.table('Inventory'), readProducts(path.join(ROOT, 'data', 'products.json')));
});
afterAll(async () => {
  shop.destroy();
  await cloud.stop();
});

async function breaker(): Promise<Partial<BreakerRecord>> {
  const { Item } = await shop.dynamo.send(new GetCommand({ TableName: output(shop.outputs, 'PaymentProviderBreakerTableName'), Key: BREAKER_KEY, ConsistentRead: true }));
  return (Item ?? {}) as Partial<BreakerRecord>;
}

it('survives a provider outage: the breaker opens, probes, closes; no order lost or dead-lettered', async () => {
  // Prepare: the provider is down before the orders arrive.
  const run = Date.now().toString(36);
  const orders = Array.from({ length: ORDERS }, (_, i) => ({ order: sampleOrder(`outage-${run}-${i + 1}`, PATHS[i % PATHS.length]!), path: PATHS[i % PATHS.length]! }));
  const payable = orders.filter((o) => o.path !== 'out-of-stock');
  cloud.provider.configure({ outage: true });

  // Act: the orders flow into the outage.
  await shop.put(orders.map((o) => orderEntry(o.order)));

  // Assess (during the outage): the breaker opens; every payable order waits RESERVED, none paid.
  await eventually(
    async () => {
      const statuses = new Map((await shop.orders()).map((o) => [o['orderId'], o['status']]));
      expect((await breaker()).opened).toBeGreaterThanOrEqual(1);
      expect(payable.map((o) => statuses.get(o.order.orderId))).toEqual(payable.map(() => 'RESERVED'));
    },
    { deadlineMs: 60_000 },
  );
  expect(cloud.provider.stats.requests).toBeLessThan(payable.length);

  // Act: the outage lasts an hour of the cloud's clock (settling skips the waits ahead; the stub
  // stays down whatever the clock says), far beyond the 5 receives x 60 s of the other hops.
  const from = { clock: cloud.clock.now(), requests: cloud.provider.stats.requests, opened: (await breaker()).opened ?? 0 };
  // (Settled means nothing waits any more: every message went somewhere, which the checks below judge.)
  while (cloud.clock.now() - from.clock < OUTAGE_MS && !(await cloud.settle(1000)).settled);

  // Assess: one probe per cool-down, each failed and reopened the breaker; every order still waits.
  // (A probe still under way when the loop stopped ends in a moment.)
  await eventually(async () => expect((await breaker()).state).toBe('open'), { deadlineMs: 10_000 });
  const reopened = await breaker();
  expect(reopened.closed ?? 0).toBe(0);
  expect(reopened.opened! - from.opened).toBeGreaterThanOrEqual(3);
  expect(cloud.provider.stats.requests - from.requests).toBe(reopened.opened! - from.opened);
  expect((await shop.deadLetterCounts()).filter((d) => d.messages > 0)).toEqual([]);
  const waiting = new Map((await shop.orders()).map((o) => [o['orderId'], o['status']]));
  expect(payable.filter((o) => waiting.get(o.order.orderId) !== 'RESERVED')).toEqual([]);

  // Act: the provider is back.
  cloud.provider.configure({ outage: false });
  const settled = await cloud.settle(300_000);
  expect(settled.settled).toBe(true);

  // Assess: every order at its final state, nothing dead-lettered, the breaker closed by a probe.
  const statuses = new Map((await shop.orders()).map((o) => [o['orderId'], o['status']]));
  expect(orders.map((o) => `${o.order.orderId} ${statuses.get(o.order.orderId)}`)).toEqual(orders.map((o) => `${o.order.orderId} ${FINAL[o.path]}`));
  expect((await shop.deadLetterCounts()).filter((d) => d.messages > 0)).toEqual([]);
  expect(await breaker()).toMatchObject({ state: 'closed', failures: 0, closed: 1 });
  const stats = cloud.provider.stats;
  expect(stats.authorized + stats.declined).toBe(payable.length);
  expect(stats.throttled).toBe(0);
  expect(stats.maxInFlight).toBeLessThanOrEqual(cloud.provider.current.maxConcurrent);
  const payments = await shop.scan(shop.table('Payments'));
  expect(payments.filter((p) => p['sk'] === 'PAYMENT' && String(p['orderId']).startsWith(`outage-${run}-`))).toHaveLength(payable.length);
}, 600_000);
