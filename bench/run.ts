/**
 * `npm run bench [-- --json] [--orders <n>]`: the pipeline's speed and bill, with a baseline in the
 * same run. 1. the saga through the local cloud (peak orders/s, latency at half the peak, DynamoDB
 * write units by table, efficiency, what the outbox relays add); 2. every function's bundle, cold
 * init against its floor, warm invoke; 3. AWS cost per million orders from counted requests, for the
 * app as deployed (saga hops batch 10 without a window, audit and notifications batch 100 with a 1 s window), a batched variant (batch 100, 1 s window: its speed and
 * latency too, so the default is a measured choice) and the naive baseline (batch 1); 4. the local
 * cloud's own services. Prints a table, writes bench/results/<timestamp>.json, and with --json prints
 * one JSON object last.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssembly } from '../local/assembly/ensure-assembly';
import type { LocalCloud } from '../local/cloud';
import { startShopCloud } from '../scripts/payment-provider/local-provider';
import { ShopClient } from '../scripts/shop-client';
import { Progress } from '../scripts/progress';
import { bootSeconds, LOCALSTACK_REFERENCE } from './boot';
import { costPerMillionOrders, readPrices, type PriceList } from './cost';
import { measureHandlers } from './handlers';
import { patternsMatchedPerSecond, routedEventsPerSecond, startCloudProcess } from './local-services';
import { RELAY_HOPS_ON_SHIPPED_PATH } from './function-meter';
import { table } from './report';
import { FinalStatusObserver, runSaga, seedForRun, type SagaRun } from './saga';
import { round } from './stats';
import { rawWritesPerSecond } from './store-writes';
import { attachMeters, peakAndHalf, type MeteredRun } from './variant-run';
import { BATCHED, DEFAULT, NAIVE, type Variant } from './variants';

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
      'batched-orders': { type: 'string' },
      'naive-orders': { type: 'string' },
      events: { type: 'string' },
      'init-runs': { type: 'string' },
      'boot-runs': { type: 'string' },
      app: { type: 'string' },
      'results-dir': { type: 'string' },
    },
  });
  const orders = positive('orders', values.orders, 2000);
  const batchedOrders = positive('batched-orders', values['batched-orders'], orders);
  const naiveOrders = positive('naive-orders', values['naive-orders'], Math.min(orders, 500));
  const events = positive('events', values.events, 20_000);
  const initRuns = positive('init-runs', values['init-runs'], 10);
  const bootRuns = positive('boot-runs', values['boot-runs'], 3);
  const prices = readPrices();
  const progress = new Progress();
  const bar = progressBar(progress);

  progress.step('synthesizing the app and its batched and naive variants if needed');
  const app = values.app ?? ensureAssembly(undefined, (line) => progress.step(line));
  // A variant's settings name its assembly's folder: ensureAssembly watches the app entry, not bench/variants.ts.
  const variantApp = (name: string, variant: Variant) =>
    ensureAssembly(path.join(ROOT, '.local', 'bench', `${name}-b${variant.batchSize}-w${variant.maxBatchingWindowSeconds}.out`), (line) => progress.step(`${name} variant: ${line}`), {
      command: `npx tsx bench/${name}-app.ts`,
      entry: `bench/${name}-app.ts`,
    });
  const batchedApp = variantApp('batched', BATCHED);
  const naiveApp = variantApp('naive', NAIVE);

  // 1-3: the app as deployed (the construct's defaults), its batched variant, then the naive one, each on a fresh local cloud.
  const tuned = await withCloud(app, async (cloud, shop, logBytes) => {
    await seedForRun(shop, orders * 2);
    const observer = await FinalStatusObserver.attach(cloud, shop);
    try {
      const { peak, steady } = await peakAndHalf(cloud, shop, observer, attachMeters(cloud, shop), { orders, label: 'default', logBytes, bar });
      const concurrency = Math.max(1, Math.round(peak.storeConcurrency.mean));
      progress.step(`DynamoDB Local's raw write rate at the pipeline's concurrency (${concurrency})`);
      const raw = await rawWritesPerSecond(cloud.endpoint, concurrency);
      const handlers = await measureHandlers(cloud, { runs: initRuns, onProgress: (d, t) => bar('handlers: bundles, cold init vs floor, warm invoke', d, t) });
      return { peak, steady, raw, concurrency, handlers };
    } finally {
      observer.stop();
    }
  }, progress);
  const batched = await withCloud(batchedApp, async (cloud, shop, logBytes) => {
    await seedForRun(shop, batchedOrders * 2);
    const observer = await FinalStatusObserver.attach(cloud, shop);
    try {
      return await peakAndHalf(cloud, shop, observer, attachMeters(cloud, shop), { orders: batchedOrders, label: 'batched', logBytes, bar });
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
  const batchedCost = costPerMillionOrders(batched.peak.usage, batched.peak.orders, prices);
  const naiveCost = costPerMillionOrders(naive.usage, naive.orders, prices);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    orders,
    settings: settingsOf(DEFAULT),
    ordersPerSecond: round(tuned.peak.ordersPerSecond, 1),
    latencyMs: tuned.steady.latencyMs,
    latencyRateOrdersPerSecond: round(tuned.peak.ordersPerSecond / 2, 1),
    latencyAtPeakMs: tuned.peak.latencyMs,
    storeWritesPerSecond: Math.round(tuned.raw),
    storeConcurrency: tuned.concurrency,
    writesPerOrder: round(writesPerOrder, 1),
    writeUnitsPerOrder: round(tuned.peak.usage.dynamodbWriteUnits / tuned.peak.orders, 1),
    /** By table, largest first: which service writes the most. */
    tableWritesPerOrder: tuned.peak.tables,
    efficiency: round((tuned.peak.ordersPerSecond * writesPerOrder) / tuned.raw, 2),
    costPerMillionOrders: cost.total,
    naiveCostPerMillionOrders: naiveCost.total,
    costRatio: round(cost.total / naiveCost.total, 2),
    cost: {
      tuned: cost.byService,
      batched: batchedCost.byService,
      naive: naiveCost.byService,
      usagePerOrder: perOrder(tuned.peak),
      batchedUsagePerOrder: perOrder(batched.peak),
      naiveUsagePerOrder: perOrder(naive),
      prices: { region: prices.region, retrieved: prices.retrieved },
    },
    relay: relayFigures(tuned, prices),
    functions: tuned.peak.functions,
    batched: {
      orders: batched.peak.orders,
      settings: settingsOf(BATCHED),
      ordersPerSecond: round(batched.peak.ordersPerSecond, 1),
      latencyMs: batched.steady.latencyMs,
      latencyRateOrdersPerSecond: round(batched.peak.ordersPerSecond / 2, 1),
      latencyAtPeakMs: batched.peak.latencyMs,
      writesPerOrder: round(batched.peak.usage.dynamodbWriteItems / batched.peak.orders, 1),
      writeUnitsPerOrder: round(batched.peak.usage.dynamodbWriteUnits / batched.peak.orders, 1),
      costPerMillionOrders: batchedCost.total,
      relay: relayFigures(batched, prices),
      functions: batched.peak.functions,
    },
    naive: { orders: naive.orders, settings: settingsOf(NAIVE), ordersPerSecond: round(naive.ordersPerSecond, 1), latencyMs: naive.latencyMs },
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

function settingsOf(variant: Variant): { batchSize: number; maxBatchingWindowSeconds: number } {
  return { batchSize: variant.batchSize, maxBatchingWindowSeconds: variant.maxBatchingWindowSeconds };
}

/**
 * What the outbox relays did, and what they add to an order's latency: their invocations and
 * stream reads per order (from the peak run, as the cost), their durations and the delay from an
 * event's creation to its publication at half the peak and at the peak, and the relay hops on a
 * shipped order's path, so the added latency reads as hops x delay.
 */
function relayFigures(run: { peak: MeteredRun; steady: MeteredRun }, list: PriceList) {
  const relays = Object.entries(run.peak.functions).filter(([name]) => name.endsWith('Relay'));
  const gbSecondsPerOrder = relays.reduce((sum, [, f]) => sum + f.gbSecondsPerOrder, 0);
  return {
    invocationsPerOrder: run.peak.relay.invocationsPerOrder,
    recordsPerInvocation: run.peak.relay.recordsPerInvocation,
    streamReadRequestsPerOrder: round(run.peak.usage.dynamodbStreamReadRequests / run.peak.orders, 2),
    hopsOnShippedOrderPath: RELAY_HOPS_ON_SHIPPED_PATH,
    /** Their requests and duration: a part of the Lambda lines of the cost, not added to them. */
    costPerMillionOrders: round(run.peak.relay.invocationsPerOrder * list.prices.lambdaRequestPerMillion.usd + gbSecondsPerOrder * 1e6 * list.prices.lambdaArmGbSecond.usd, 2),
    atHalfPeak: { durationMs: run.steady.relay.durationMs, delayMs: run.steady.relay.delayMs },
    atPeak: { durationMs: run.peak.relay.durationMs, delayMs: run.peak.relay.delayMs },
  };
}

/** Starts a local cloud on an assembly with the meters on, runs `work`, and always stops it. */
async function withCloud<T>(app: string, work: (cloud: LocalCloud, shop: ShopClient, logBytes: () => number) => Promise<T>, progress: Progress): Promise<T> {
  progress.step(`booting the local cloud on ${path.relative(ROOT, app) || app}`);
  let bytes = 0;
  // With the stub payment provider the payments hop calls (as npm start runs the shop).
  const cloud = await startShopCloud({ port: 0, app, meterDynamoDb: true, onHandlerLog: (_fn, line) => (bytes += Buffer.byteLength(line) + 1) });
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

main()
  // A CLI that is done: exit even if a library left a handle open (esbuild's service, keep-alive sockets).
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`\nbench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
