/**
 * `npm run bench [-- --json] [--orders <n>]`: the pipeline's speed and bill, with a baseline in the
 * same run. 1. the saga through the local cloud (peak orders/s, latency at half the peak, DynamoDB
 * efficiency); 2. every handler's bundle, cold init against its floor, warm invoke; 3. AWS cost per
 * million orders from counted requests, tuned vs naive; 4. the local cloud's own services. Prints a
 * table, writes bench/results/<timestamp>.json, and with --json prints one JSON object last.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssembly } from '../local/assembly/ensure-assembly';
import { startLocalCloud, type LocalCloud } from '../local/cloud';
import { ShopClient } from '../scripts/shop-client';
import { Progress } from '../scripts/progress';
import { bootSeconds, LOCALSTACK_REFERENCE } from './boot';
import { costPerMillionOrders, readPrices } from './cost';
import { measureHandlers } from './handlers';
import { patternsMatchedPerSecond, routedEventsPerSecond, startCloudProcess } from './local-services';
import { FinalStatusObserver, runSaga, seedForRun, type SagaRun } from './saga';
import { round } from './stats';
import { rawWritesPerSecond } from './store-writes';

const ROOT = path.join(__dirname, '..');

function positive(name: string, value: string | undefined, fallback: number): number {
  const number = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      orders: { type: 'string' },
      'naive-orders': { type: 'string' },
      events: { type: 'string' },
      'init-runs': { type: 'string' },
      'boot-runs': { type: 'string' },
      app: { type: 'string' },
      'results-dir': { type: 'string' },
    },
  });
  const orders = positive('orders', values.orders, 2000);
  const naiveOrders = positive('naive-orders', values['naive-orders'], Math.min(orders, 500));
  const events = positive('events', values.events, 20_000);
  const initRuns = positive('init-runs', values['init-runs'], 10);
  const bootRuns = positive('boot-runs', values['boot-runs'], 3);
  const prices = readPrices();
  const progress = new Progress();
  const bar = progressBar(progress);

  progress.step('synthesizing the app and its naive baseline if needed');
  const app = values.app ?? ensureAssembly(undefined, (line) => progress.step(line));
  const naiveApp = ensureAssembly(path.join(ROOT, '.local', 'bench', 'naive.out'), (line) => progress.step(`naive baseline: ${line}`), {
    command: 'npx tsx bench/naive-app.ts',
    entry: 'bench/naive-app.ts',
  });

  // 1-3: the tuned app, then the naive one, each on a fresh local cloud.
  const tuned = await withCloud(app, async (cloud, shop, logBytes) => {
    await seedForRun(shop, orders * 2);
    const observer = await FinalStatusObserver.attach(cloud, shop);
    try {
      const peak = await runSaga(cloud, shop, observer, { orders, entriesPerCall: 10, label: 'peak', logBytes, onProgress: (d, t) => bar('saga, peak (bursts)', d, t) });
      const halfRate = peak.ordersPerSecond / 2;
      const steady = await runSaga(cloud, shop, observer, {
        orders: Math.max(1, Math.round(orders / 2)),
        entriesPerCall: 10,
        ratePerSecond: halfRate,
        label: 'half',
        logBytes,
        onProgress: (d, t) => bar(`saga at half the peak (${halfRate.toFixed(0)} orders/s)`, d, t),
      });
      const concurrency = Math.max(1, Math.round(peak.storeConcurrency.mean));
      progress.step(`DynamoDB Local's raw write rate at the pipeline's concurrency (${concurrency})`);
      const raw = await rawWritesPerSecond(cloud.endpoint, concurrency);
      const handlers = await measureHandlers(cloud, { runs: initRuns, onProgress: (d, t) => bar('handlers: bundles, cold init vs floor, warm invoke', d, t) });
      return { peak, steady, raw, concurrency, handlers };
    } finally {
      observer.stop();
    }
  }, progress);
  const naive = await withCloud(naiveApp, async (cloud, shop, logBytes) => {
    await seedForRun(shop, naiveOrders * 2);
    const observer = await FinalStatusObserver.attach(cloud, shop);
    try {
      return await runSaga(cloud, shop, observer, { orders: naiveOrders, entriesPerCall: 1, label: 'naive', logBytes, onProgress: (d, t) => bar('naive baseline (batch size 1, no window, one event per PutEvents)', d, t) });
    } finally {
      observer.stop();
    }
  }, progress);

  // 4: the local cloud's own services.
  const servicesCloud = await startCloudProcess();
  let routed: number;
  try {
    routed = await routedEventsPerSecond(servicesCloud.endpoint, events, 'http', (done) => bar('local cloud: events routed to queues', done, events));
  } finally {
    await servicesCloud.stop();
  }
  progress.step('local cloud: patterns matched per second, boot time');
  const patterns = patternsMatchedPerSecond();
  const boot = await bootSeconds(bootRuns);
  progress.done();

  const writesPerOrder = tuned.peak.usage.dynamodbWriteItems / tuned.peak.orders;
  const cost = costPerMillionOrders(tuned.peak.usage, tuned.peak.orders, prices);
  const naiveCost = costPerMillionOrders(naive.usage, naive.orders, prices);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    orders,
    ordersPerSecond: round(tuned.peak.ordersPerSecond, 1),
    latencyMs: tuned.steady.latencyMs,
    latencyRateOrdersPerSecond: round(tuned.peak.ordersPerSecond / 2, 1),
    latencyAtPeakMs: tuned.peak.latencyMs,
    storeWritesPerSecond: Math.round(tuned.raw),
    storeConcurrency: tuned.concurrency,
    writesPerOrder: round(writesPerOrder, 1),
    efficiency: round((tuned.peak.ordersPerSecond * writesPerOrder) / tuned.raw, 2),
    costPerMillionOrders: cost.total,
    naiveCostPerMillionOrders: naiveCost.total,
    costRatio: round(cost.total / naiveCost.total, 2),
    cost: { tuned: cost.byService, naive: naiveCost.byService, usagePerOrder: perOrder(tuned.peak), naiveUsagePerOrder: perOrder(naive), prices: { region: prices.region, retrieved: prices.retrieved } },
    naive: { orders: naive.orders, ordersPerSecond: round(naive.ordersPerSecond, 1), latencyMs: naive.latencyMs },
    handlers: tuned.handlers,
    bootSeconds: round(boot.median, 2),
    routedEventsPerSecond: Math.round(routed),
    patternsMatchedPerSecond: Math.round(patterns),
    localstackReference: LOCALSTACK_REFERENCE,
  };

  process.stdout.write(`${table(result)}\n`);
  const dir = values['results-dir'] ?? path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Starts a local cloud on an assembly with the meters on, runs `work`, and always stops it. */
async function withCloud<T>(app: string, work: (cloud: LocalCloud, shop: ShopClient, logBytes: () => number) => Promise<T>, progress: Progress): Promise<T> {
  progress.step(`booting the local cloud on ${path.relative(ROOT, app) || app}`);
  let bytes = 0;
  const cloud = await startLocalCloud({ port: 0, app, meterDynamoDb: true, onHandlerLog: (_fn, line) => (bytes += Buffer.byteLength(line) + 1) });
  const shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  try {
    return await work(cloud, shop, () => bytes);
  } finally {
    shop.destroy();
    await cloud.stop();
  }
}

function perOrder(run: SagaRun): Record<string, number> {
  return Object.fromEntries(Object.entries(run.usage).map(([key, value]) => [key, round(value / run.orders, 3)]));
}

/** A bar on a terminal, redrawn in place; in CI logs, one line per quarter. */
function progressBar(progress: Progress) {
  const tty = process.stderr.isTTY === true;
  let lastQuarter = -1;
  let lastLabel = '';
  return (label: string, done: number, total: number) => {
    if (label !== lastLabel) (lastLabel = label), (lastQuarter = -1);
    const width = 30;
    const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
    const text = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    if (tty) return progress.step(text);
    const quarter = Math.floor((done / Math.max(1, total)) * 4);
    if (quarter !== lastQuarter) (lastQuarter = quarter), progress.step(text);
  };
}

const money = (value: number) => `$${value.toFixed(2)}`;

/** What the table shows of the result. */
interface Result {
  ordersPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  latencyRateOrdersPerSecond: number;
  latencyAtPeakMs: { p50: number; p95: number; p99: number };
  storeWritesPerSecond: number;
  storeConcurrency: number;
  writesPerOrder: number;
  efficiency: number;
  costPerMillionOrders: number;
  naiveCostPerMillionOrders: number;
  costRatio: number;
  cost: { tuned: Record<string, number>; naive: Record<string, number> };
  naive: { orders: number; ordersPerSecond: number };
  handlers: Array<{ name: string; bundleBytes: number; gzipBytes: number; coldInitMs: number; floorInitMs: number; warmInvokeMs: number }>;
  bootSeconds: number;
  routedEventsPerSecond: number;
  patternsMatchedPerSecond: number;
  orders: number;
}

function table(r: Result): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const lines = [
    `Saga through the local cloud (${r.orders} orders)`,
    `  orders/s at peak (bursts, until settled)            ${r.ordersPerSecond}`,
    `  latency at half the peak (${r.latencyRateOrdersPerSecond}/s) p50/p95/p99  ${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} ms`,
    `  latency at the peak p50/p95/p99                     ${r.latencyAtPeakMs.p50} / ${r.latencyAtPeakMs.p95} / ${r.latencyAtPeakMs.p99} ms`,
    `  DynamoDB writes per order                           ${r.writesPerOrder}`,
    `  DynamoDB Local raw writes/s (concurrency ${r.storeConcurrency})          ${r.storeWritesPerSecond}`,
    `  efficiency (orders/s x writes/order / raw)          ${r.efficiency}`,
    '',
    'Cost per million orders (us-east-1 list prices, bench/prices.json)',
    `  tuned (batch 10, no window)                         ${money(r.costPerMillionOrders)}  ${Object.entries(r.cost.tuned).map(([k, v]) => `${k} ${money(v)}`).join(', ')}`,
    `  naive (batch 1, no window)                          ${money(r.naiveCostPerMillionOrders)}  ${Object.entries(r.cost.naive).map(([k, v]) => `${k} ${money(v)}`).join(', ')}`,
    `  ratio                                               ${r.costRatio}`,
    '',
    'Handlers (median of fresh processes; floor = a bundle with only the same SDK clients)',
    `  ${'name'.padEnd(18)} ${'bundle'.padStart(8)} ${'gzip'.padStart(8)} ${'cold init'.padStart(10)} ${'floor'.padStart(8)} ${'ratio'.padStart(6)} ${'warm'.padStart(8)}`,
    ...r.handlers.map(
      (h) =>
        `  ${h.name.padEnd(18)} ${kb(h.bundleBytes).padStart(8)} ${kb(h.gzipBytes).padStart(8)} ${`${h.coldInitMs} ms`.padStart(10)} ${`${h.floorInitMs} ms`.padStart(8)} ${(h.coldInitMs / h.floorInitMs).toFixed(2).padStart(6)} ${`${h.warmInvokeMs} ms`.padStart(8)}`,
    ),
    '',
    'Local cloud services',
    `  events routed/s (PutEvents -> rule -> SQS, HTTP)    ${r.routedEventsPerSecond}`,
    `  patterns matched/s                                  ${r.patternsMatchedPerSecond}`,
    `  boot: assembly -> ready (median)                    ${r.bootSeconds} s`,
  ];
  return lines.join('\n');
}

main()
  // A CLI that is done: exit even if a library left a handle open (esbuild's service, keep-alive sockets).
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`\nbench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
