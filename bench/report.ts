/** The printed table of `npm run bench`: what a reader compares at a glance; the JSON holds the rest. */
import { DEFAULT } from './variants';

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

interface RelayFigures {
  invocationsPerOrder: number;
  recordsPerInvocation: number;
  streamReadRequestsPerOrder: number;
  hopsOnShippedOrderPath: number;
  costPerMillionOrders: number;
  atHalfPeak: { durationMs: Percentiles; delayMs: Percentiles };
  atPeak: { durationMs: Percentiles; delayMs: Percentiles };
}

/** What the table shows of the result. */
export interface Result {
  orders: number;
  ordersPerSecond: number;
  latencyMs: Percentiles;
  latencyRateOrdersPerSecond: number;
  latencyAtPeakMs: Percentiles;
  storeWritesPerSecond: number;
  storeConcurrency: number;
  writesPerOrder: number;
  writeUnitsPerOrder: number;
  tableWritesPerOrder: Record<string, { writeUnits: number; writeItems: number }>;
  efficiency: number;
  costPerMillionOrders: number;
  naiveCostPerMillionOrders: number;
  costRatio: number;
  cost: { tuned: Record<string, number>; batched: Record<string, number>; naive: Record<string, number> };
  relay: RelayFigures;
  batched: {
    orders: number;
    ordersPerSecond: number;
    latencyMs: Percentiles;
    latencyRateOrdersPerSecond: number;
    latencyAtPeakMs: Percentiles;
    writeUnitsPerOrder: number;
    costPerMillionOrders: number;
    relay: RelayFigures;
  };
  naive: { orders: number; ordersPerSecond: number };
  handlers: Array<{ name: string; bundleBytes: number; gzipBytes: number; coldInitMs: number; floorInitMs: number; warmInvokeMs: number }>;
  bootSeconds: number;
  routedEventsPerSecond: number;
  patternsMatchedPerSecond: number;
}

const money = (value: number) => `$${value.toFixed(2)}`;
const ms = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99} ms`;
const services = (byService: Record<string, number>) => Object.entries(byService).map(([k, v]) => `${k} ${money(v)}`).join(', ');

export function table(r: Result): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const b = r.batched;
  const lines = [
    `Saga through the local cloud (${r.orders} orders; batched variant ${b.orders})`,
    `                                                      as deployed*                    batched (every hop batch 100, 1 s window)`,
    `  orders/s at peak (bursts, until settled)            ${String(r.ordersPerSecond).padEnd(32)}${b.ordersPerSecond}`,
    `  latency at half the peak p50/p95/p99                ${`${ms(r.latencyMs)} (${r.latencyRateOrdersPerSecond}/s)`.padEnd(32)}${ms(b.latencyMs)} (${b.latencyRateOrdersPerSecond}/s)`,
    `  latency at the peak p50/p95/p99                     ${ms(r.latencyAtPeakMs).padEnd(32)}${ms(b.latencyAtPeakMs)}`,
    `  DynamoDB write units per order                      ${String(r.writeUnitsPerOrder).padEnd(32)}${b.writeUnitsPerOrder}`,
    `  cost per million orders                             ${money(r.costPerMillionOrders).padEnd(32)}${money(b.costPerMillionOrders)}`,
    `  DynamoDB writes per order                           ${r.writesPerOrder}`,
    `  write units / items per order by table              ${Object.entries(r.tableWritesPerOrder).map(([t, w]) => `${t} ${w.writeUnits}/${w.writeItems}`).join(', ')}`,
    `  DynamoDB Local raw writes/s (concurrency ${r.storeConcurrency})          ${r.storeWritesPerSecond}`,
    `  efficiency (orders/s x writes/order / raw)          ${r.efficiency}`,
    '',
    'What the outbox relays add (default settings)',
    `  relay invocations per order, records each           ${r.relay.invocationsPerOrder}, ${r.relay.recordsPerInvocation}`,
    `  relay cost per million orders (part of Lambda's)    ${money(r.relay.costPerMillionOrders)}`,
    `  stream GetRecords per order (free for Lambda)       ${r.relay.streamReadRequestsPerOrder}`,
    `  relay invocation at half the peak p50/p95/p99       ${ms(r.relay.atHalfPeak.durationMs)}`,
    `  event created -> relayed, at half the peak          ${ms(r.relay.atHalfPeak.delayMs)} (at the peak ${ms(r.relay.atPeak.delayMs)})`,
    `  relay hops on a shipped order's path                ${r.relay.hopsOnShippedOrderPath} (so about ${r.relay.hopsOnShippedOrderPath * r.relay.atHalfPeak.delayMs.p50} ms of the p50 at half the peak)`,
    '',
    'Cost per million orders (us-east-1 list prices, bench/prices.json)',
    `  as deployed*                                        ${money(r.costPerMillionOrders)}  ${services(r.cost.tuned)}`,
    `  batched (batch 100, 1 s window)                     ${money(b.costPerMillionOrders)}  ${services(r.cost.batched)}`,
    `  naive (batch 1, no window)                          ${money(r.naiveCostPerMillionOrders)}  ${services(r.cost.naive)}`,
    `  ratio                                               ${r.costRatio}`,
    `  * ${DEFAULT.label}`,
    '',
    'Functions (median of fresh processes; floor = a bundle with only the same SDK clients)',
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
