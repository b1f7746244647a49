import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import * as path from 'node:path';
import type { LocalCloud } from '../local/cloud';
import type { SqsQueue } from '../local/sqs/queue';
import { output } from '../scripts/outputs';
import { orderEntry, orderTotal, sampleOrder, type SamplePath } from '../scripts/sample-orders';
import { readProducts, seedProducts } from '../scripts/seed-products';
import type { ShopClient } from '../scripts/shop-client';
import { readUsage, subtractUsage, type Usage } from './cost';
import { percentile } from './stats';

/** The saga's mix, as in the chaos run: most orders ship, some are cancelled for each reason. */
const PATHS: SamplePath[] = ['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'out-of-stock', 'credit-limit', 'declined-card'];
/** What shipping orders buy: the catalog's everyday items, so orders spread over SKUs as in a shop. */
const EVERYDAY_SKUS = ['SKU-KEYBOARD', 'SKU-MOUSE', 'SKU-MONITOR', 'SKU-HEADSET', 'SKU-WEBCAM', 'SKU-DOCK', 'SKU-CABLE', 'SKU-CHAIR', 'SKU-DESK', 'SKU-LAMP'];

const CATALOG_PRICES = new Map(readProducts(path.join(__dirname, '..', 'data', 'products.json')).map((p) => [p.sku, p.unitPrice]));

/**
 * An order of the mix. Shipping orders get one to three lines over the everyday SKUs, drawn from a
 * seeded generator (the same orders on every run); the cancelled paths keep their sample orders.
 */
function benchOrder(orderId: string, index: number): ReturnType<typeof sampleOrder> {
  const path = PATHS[index % PATHS.length]!;
  const order = sampleOrder(orderId, path);
  if (path !== 'delivered') return order;
  let state = index * 2654435761;
  const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0), state % n);
  const skus = [...new Set(Array.from({ length: 1 + next(3) }, () => EVERYDAY_SKUS[next(EVERYDAY_SKUS.length)]!))];
  const items = skus.map((sku) => ({ sku, quantity: 1 + next(2), unitPrice: CATALOG_PRICES.get(sku)! }));
  return { ...order, items, total: orderTotal(items) };
}
const FINAL_STATUSES = ['SHIPPED', 'CANCELLED', 'DELIVERED'];

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface SagaRun {
  readonly orders: number;
  readonly seconds: number;
  readonly ordersPerSecond: number;
  /** From the PutEvents call that placed the order to the OrderStatusChanged that made it final. */
  readonly latencyMs: Percentiles;
  /** What the run cost in AWS requests and units, the observer's own deliveries taken out. */
  readonly usage: Usage;
  /** Requests to DynamoDB in flight during the run. */
  readonly storeConcurrency: { mean: number; max: number };
}

/**
 * Watches orders become final as a user would subscribe: a rule on the domain bus for the final
 * OrderStatusChanged events, into a queue the benchmark drains in-process (no polling cost).
 */
export class FinalStatusObserver {
  private readonly finalAt = new Map<string, number>();
  private waiting: { count: number; resolve: () => void } | undefined;
  private running = true;
  /** Deliveries to the observer's queue: the benchmark's own, not the pipeline's. */
  delivered = 0;

  private constructor(private readonly queue: SqsQueue) {
    void this.drain();
  }

  static async attach(cloud: LocalCloud, shop: ShopClient): Promise<FinalStatusObserver> {
    const name = `bench-final-status-${Date.now().toString(36)}`;
    const { QueueUrl } = (await cloud.sqs.handle('CreateQueue', { QueueName: name })) as { QueueUrl: string };
    const queue = cloud.sqs.allQueues().find((q) => q.url === QueueUrl)!;
    const bus = output(shop.outputs, 'DomainBusName');
    const pattern = { source: ['shop.orders'], 'detail-type': ['OrderStatusChanged'], detail: { data: { to: FINAL_STATUSES } } };
    await cloud.eventBridge.handle('PutRule', { Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) });
    await cloud.eventBridge.handle('PutTargets', { Rule: name, EventBusName: bus, Targets: [{ Id: 'observer', Arn: queue.arn }] });
    return new FinalStatusObserver(queue);
  }

  /** When each order first reached a final status (performance.now() time). */
  final(orderId: string): number | undefined {
    return this.finalAt.get(orderId);
  }

  get count(): number {
    return this.finalAt.size;
  }

  /** Resolves once `count` orders are final. */
  until(count: number): Promise<void> {
    if (this.finalAt.size >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { count, resolve }));
  }

  stop(): void {
    this.running = false;
    this.queue.cancelWaits();
  }

  private async drain(): Promise<void> {
    while (this.running) {
      const received = await this.queue.receive(10, 60, 20);
      const now = performance.now();
      for (const { message, receiptHandle } of received) {
        this.delivered++;
        const orderId = (JSON.parse(message.body) as { detail: { data: { orderId: string } } }).detail.data.orderId;
        if (!this.finalAt.has(orderId)) this.finalAt.set(orderId, now);
        this.queue.delete(receiptHandle);
      }
      if (this.waiting !== undefined && this.finalAt.size >= this.waiting.count) {
        this.waiting.resolve();
        this.waiting = undefined;
      }
    }
  }
}

/** Where a run's orders may be stuck: messages in dead-letter queues, failed invocations and stream records. */
function stuck(cloud: LocalCloud): string {
  const dlqs = cloud.sqs
    .allQueues()
    .map((q) => ({ name: q.name, messages: Number(q.allAttributes()['ApproximateNumberOfMessages'] ?? 0) }))
    .filter((q) => /DeadLetter/i.test(q.name) && q.messages > 0)
    .map((q) => `${q.name} ${q.messages}`);
  const { invocations, errors, timeouts, crashes } = cloud.lambda.metrics;
  const streams = cloud.mappings.streamRuntimes().reduce((sum, m) => sum + m.metrics.failedRecords, 0);
  return `dead-letter queues: ${dlqs.join(', ') || 'none'}; invocations ${invocations}, errors ${errors}, timeouts ${timeouts}, crashes ${crashes}; failed stream records ${streams}`;
}

/** Enough stock for every order of the run (sold-out items stay sold out: that path must still cancel). */
export async function seedForRun(shop: ShopClient, orders: number): Promise<void> {
  const products = readProducts(path.join(__dirname, '..', 'data', 'products.json'));
  await seedProducts(shop.dynamo, shop.table('Inventory'), products.map((p) => ({ ...p, stock: p.stock === 0 ? 0 : orders * 10 })));
}

export interface SagaOptions {
  readonly orders: number;
  /** Entries per PutEvents call when placing orders (10 tuned, 1 naive). */
  readonly entriesPerCall: number;
  /** Orders per second to place at; as fast as possible when absent (bursts). */
  readonly ratePerSecond?: number;
  readonly label: string;
  readonly onProgress?: (final: number, total: number) => void;
  /** Log bytes handlers printed so far (the cost model's CloudWatch Logs part). */
  readonly logBytes: () => number;
}

/**
 * Places orders, in bursts or at a steady rate, and measures until the local cloud has settled:
 * orders per second, each order's latency to its final status, and the AWS usage of the run.
 */
export async function runSaga(cloud: LocalCloud, shop: ShopClient, observer: FinalStatusObserver, options: SagaOptions): Promise<SagaRun> {
  const run = `${options.label}-${Date.now().toString(36)}`;
  const orders = Array.from({ length: options.orders }, (_, i) => benchOrder(`bench-${run}-${i + 1}`, i));
  const placedAt = new Map<string, number>();
  const bus = output(shop.outputs, 'DomainBusName');
  const before = readUsage(cloud, options.logBytes());
  const observedBefore = observer.count;
  const deliveredBefore = observer.delivered;
  const progress = setInterval(() => options.onProgress?.(observer.count - observedBefore, options.orders), 200);

  cloud.dynamodbMeter?.resetConcurrency();
  const started = performance.now();
  const calls: PutEventsRequestEntry[][] = [];
  for (let i = 0; i < orders.length; i += options.entriesPerCall) calls.push(orders.slice(i, i + options.entriesPerCall).map((o) => ({ ...orderEntry(o), EventBusName: bus })));
  let next = 0;
  const placer = async () => {
    while (next < calls.length) {
      const call = calls[next++]!;
      if (options.ratePerSecond !== undefined) {
        // The steady rate: this call's orders are due at (orders placed before it) / rate.
        const due = started + ((next - 1) * options.entriesPerCall * 1000) / options.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const now = performance.now();
      for (const entry of call) placedAt.set(JSON.parse(entry.Detail!).data.orderId as string, now);
      const result = await shop.events.send(new PutEventsCommand({ Entries: call }));
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`placing orders: ${result.FailedEntryCount} entries failed: ${JSON.stringify(result.Entries?.find((e) => e.ErrorCode))}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, placer));
  // Until every order is final and the cloud has settled; settled with orders still open means
  // their events were parked in a DLQ: a failed run, said so, rather than a wait without end.
  const target = observedBefore + options.orders;
  const settled = cloud.settle(10 * 60_000, { warp: false });
  const first = await Promise.race([observer.until(target).then(() => 'final' as const), settled.then(() => 'settled' as const)]);
  if (first === 'settled') {
    await Promise.race([observer.until(target), new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (observer.count < target) throw new Error(`${target - observer.count} of ${options.orders} orders never became final: their events are in a DLQ (npm run dlq -- all) or the cloud did not settle within 10 minutes; ${stuck(cloud)}`);
  }
  const result = await settled;
  if (!result.settled) throw new Error(`the saga did not settle within 10 minutes: ${JSON.stringify(result.pending)}`);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(progress);
  options.onProgress?.(options.orders, options.orders);

  const latencies = orders.map((o) => observer.final(o.orderId)! - placedAt.get(o.orderId)!).sort((a, b) => a - b);
  const usage = subtractUsage(readUsage(cloud, options.logBytes()), before);
  // The observer's rule delivered to its queue: the benchmark's requests, not the pipeline's.
  usage.sqsRequests -= observer.delivered - deliveredBefore;
  return {
    orders: options.orders,
    seconds,
    ordersPerSecond: options.orders / seconds,
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) },
    usage,
    storeConcurrency: cloud.dynamodbMeter?.concurrency() ?? { mean: 0, max: 0 },
  };
}
