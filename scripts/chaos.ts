/**
 * `npm run chaos -- --orders <n> --seed <s> [--json] [--faults default|file.json|JSON] [--provider-outage <seconds>]`: places n orders on the
 * local cloud under the default fault mix (handler errors, timeouts and crashes, DynamoDB throttling
 * and transaction conflicts, PutEvents failures, duplicate deliveries and receives, reordering),
 * waits until settled, redrives every DLQ once (an outbox relay's by publishing its batches from the
 * stream), waits again, then checks the invariants: every order final or parked in a DLQ with its
 * reason, nothing lost (every event an outbox holds on the bus), nothing done twice, stock conserved.
 * Faults strike the outbox relays too; how many did is reported (`relayFaults`).
 * `--provider-outage <seconds>`: the stub payment provider is down from before the orders are placed
 * until that many seconds of the cloud's clock have passed (settling skips the waits ahead): the
 * payments breaker opens, orders wait in its queue, and after recovery it closes (README, Operations:
 * the payment provider). The summary gives the provider's counts and the breaker's openings.
 * Exits non-zero when an invariant fails. The last line with --json is one JSON object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssembly } from '../local/assembly/ensure-assembly';
import { faultConfigFromOption, Faults } from '../local/faults/faults';
import { prefixLogLine } from '../local/lambda/log-lines';
import { Publisher } from '../functions/shared/publisher';
import { peek, reasonOf, redrive } from './operator/dead-letters';
import { output } from './outputs';
import { Progress } from './progress';
import { orderEntry, sampleOrder, type SamplePath } from './sample-orders';
import { readProducts, seedProducts } from './seed-products';
import { ShopClient } from './shop-client';
import { startShopCloud } from './payment-provider/local-provider';
import { BREAKER_KEY } from '../functions/payments/provider-runtime';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { checkInvariants } from './chaos-invariants';
import { eventIdentity } from '../functions/events/contract';
import { OUTBOX_ATTRIBUTE } from '../functions/shared/outbox';

const PATHS: SamplePath[] = ['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'out-of-stock', 'credit-limit', 'declined-card'];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, json: { type: 'boolean', default: false }, faults: { type: 'string' }, 'provider-outage': { type: 'string', default: '0' } } });
  const count = Number(values.orders);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--orders must be a positive integer, got "${values.orders}"`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got "${values.seed}"`);
  const outageSeconds = Number(values['provider-outage']);
  if (!Number.isFinite(outageSeconds) || outageSeconds < 0) throw new Error(`--provider-outage must be a number of seconds >= 0, got "${values['provider-outage']}"`);
  const config = faultConfigFromOption(values.faults ?? 'default', (file) => fs.readFileSync(file, 'utf8'));
  const faults = new Faults({ ...config, seed });
  const started = Date.now();
  const progress = new Progress(started);
  const logFile = path.resolve('.local', 'logs', 'chaos-handlers.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logs = fs.createWriteStream(logFile);

  progress.step('synthesizing if needed and booting the local cloud with faults');
  const cloud = await startShopCloud({ port: 0, app: ensureAssembly(undefined, (l) => progress.step(l)), faults, onHandlerLog: (fn, line) => logs.write(`${prefixLogLine(fn, line, false)}\n`) });
  const shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  try {
    progress.step('loading the catalog');
    const products = readProducts(path.resolve('data', 'products.json'));
    await seedProducts(shop.dynamo, shop.table('Inventory'), products);

    const run = `${seed}-${Date.now().toString(36)}`;
    const orders = Array.from({ length: count }, (_, i) => sampleOrder(`chaos-${run}-${i + 1}`, PATHS[i % PATHS.length]!));
    if (outageSeconds > 0) cloud.provider.configure({ outage: true });
    progress.step(`placing ${count} orders`);
    // Placing orders meets the injected PutEvents failures too: the app's own publisher retries them.
    const publisher = new Publisher({ client: shop.events, eventBusName: output(shop.outputs, 'DomainBusName'), maxAttempts: 10 });
    for (let i = 0; i < orders.length; i += 100) await publisher.publish(orders.slice(i, i + 100).map(orderEntry));

    const settle = async (what: string) => {
      progress.step(`${what}: waiting until settled`);
      const result = await cloud.settle(30 * 60_000);
      if (!result.settled) throw new Error(`not settled after 30 minutes: ${JSON.stringify(result.pending)}`);
    };
    if (outageSeconds > 0) {
      progress.step(`the payment provider is down for ${outageSeconds} s of the cloud's clock`);
      const from = cloud.clock.now();
      while (cloud.clock.now() - from < outageSeconds * 1000 && !(await cloud.settle(1000)).settled);
      cloud.provider.configure({ outage: false });
    }
    await settle('orders flowing under faults');
    progress.step('redriving every dead-letter queue once');
    const redriven = await redrive(shop, cloud.deployment ? deadLetters(shop) : []);
    await settle('redriven messages flowing');
    progress.step('checking the invariants');

    const dlqMessages = [];
    for (const queue of deadLetters(shop)) {
      for (const message of await peek(shop, queue.url)) dlqMessages.push({ queue: queue.name, body: message.Body ?? '', reason: await reasonOf(shop, queue.name, message) });
    }
    // Events are known by their producer's id, which a re-publication keeps (EventBridge's changes).
    const archivedIds = cloud.eventBridge.archives.eventsOf(output(shop.outputs, 'DomainArchiveName')).map((e) => eventIdentity(e)!);
    const outboxes: Array<{ table: string; outbox: string }> = [];
    for (const relay of relays(shop)) {
      for (const item of await shop.scan(relay.table)) if (typeof item[OUTBOX_ATTRIBUTE] === 'string') outboxes.push({ table: relay.table, outbox: item[OUTBOX_ATTRIBUTE] });
    }
    const report = checkInvariants({
      placed: orders.map((o) => o.orderId),
      orders: await shop.orders(),
      inventory: await shop.scan(shop.table('Inventory')),
      audit: await shop.auditTrail(),
      notifications: await shop.scan(shop.table('Notifications')),
      archivedEventIds: archivedIds,
      outboxes,
      dlqMessages,
      initialStock: Object.fromEntries(products.map((p) => [p.sku, p.stock])),
    });
    progress.done();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    // Handler faults that struck the outbox relays: a crash there falls between PutEvents and the checkpoint.
    const relayStruck = relays(shop).map((r) => ({ name: r.name, faults: faults.byFunction[r.functionName] ?? 0 }));
    const relayFaults = relayStruck.reduce((sum, r) => sum + r.faults, 0);
    const handlerFaults = faults.counts.handlerError + faults.counts.handlerTimeout + faults.counts.sandboxCrash;
    // Events the bus took more than once under the same producer's id: a relay struck after its PutEvents
    // published its batch again (the invariants above show each was handled once).
    const republished = archivedIds.length - new Set(archivedIds).size;
    const summary = {
      orders: count,
      final: report.final,
      inDlq: report.inDlq,
      lost: report.lost,
      duplicateEffects: report.duplicateEffects,
      conservationErrors: report.conservationErrors,
      faultsInjected: faults.total,
      faultsByKind: Object.fromEntries(Object.entries(faults.counts).filter(([, n]) => n > 0)),
      relayFaults,
      republished,
      provider: { outageSeconds, ...cloud.provider.stats, breaker: await breakerOf(shop) },
      seconds,
    };
    const rows: Array<[string, string | number]> = [
      ['orders placed', count],
      ['final (DELIVERED, SHIPPED, CANCELLED with a reason)', report.final],
      ['parked in a DLQ with its reason', report.inDlq],
      ['lost', report.lost],
      ['duplicate effects', report.duplicateEffects],
      ['stock conservation errors', report.conservationErrors],
      ['faults injected', `${faults.total} (${Object.entries(faults.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')})`],
      ['handler faults striking the outbox relays', `${relayFaults} of ${handlerFaults} (${relayStruck.map((r) => `${r.name} ${r.faults}`).join(', ')})`],
      ['events published again under the same id', republished],
      ['payment provider: calls, unavailable, most at once', `${cloud.provider.stats.requests}, ${cloud.provider.stats.unavailable}, ${cloud.provider.stats.maxInFlight}`],
      ['payments breaker: opened, closed, state', (({ opened, closed, state }) => `${opened}, ${closed}, ${state}`)(await breakerOf(shop))],
      ['messages redriven', redriven.reduce((sum, r) => sum + r.moved, 0)],
      ['seconds', seconds],
    ];
    process.stdout.write(`\nChaos run, seed ${seed}\n${rows.map(([k, v]) => `  ${k.padEnd(52)} ${v}`).join('\n')}\n`);
    for (const problem of report.problems.slice(0, 20)) process.stdout.write(`  ! ${problem}\n`);
    for (const parked of report.parked.slice(0, 10)) process.stdout.write(`  dlq: ${parked}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return report.lost === 0 && report.duplicateEffects === 0 && report.conservationErrors === 0 ? 0 : 1;
  } finally {
    progress.done();
    shop.destroy();
    await cloud.stop();
    logs.end();
  }
}

/** The payments breaker's openings and closings (its item in the service's failure table). */
async function breakerOf(shop: ShopClient): Promise<{ opened: number; closed: number; state: string }> {
  const { Item = {} } = await shop.dynamo.send(new GetCommand({ TableName: output(shop.outputs, 'PaymentProviderBreakerTableName'), Key: BREAKER_KEY, ConsistentRead: true }));
  return { opened: Number(Item['opened'] ?? 0), closed: Number(Item['closed'] ?? 0), state: String(Item['state'] ?? 'closed') };
}

/** The outbox relays (`<Name>RelayFunctionName`) and the tables they publish from (`<Name>TableName`). */
const relays = (shop: ShopClient) =>
  Object.values(shop.outputs)
    .flatMap((values) => Object.entries(values))
    .filter(([key]) => key.endsWith('RelayFunctionName'))
    .map(([key, functionName]) => {
      const name = key.replace(/RelayFunctionName$/, '');
      return { name, functionName, table: output(shop.outputs, `${name}TableName`) };
    });

const deadLetters = (shop: ShopClient) =>
  Object.values(shop.outputs)
    .flatMap((values) => Object.entries(values))
    .filter(([key]) => key.endsWith('DeadLetterQueueUrl'))
    .map(([key, url]) => ({ name: key.replace(/Url$/, ''), url }));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nchaos: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
