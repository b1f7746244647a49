/**
 * `npm start`: runs the whole order pipeline on this machine, without Docker, and shows what it did.
 * Synthesizes the app when stale, boots the local cloud with the bundled handlers, loads the seed
 * catalog, sends sample orders covering every path of the saga (delivered, out of stock, payment
 * declined with compensation, a declined card, a poison event), waits until settled, prints a summary
 * and the flight recorder's trace of the declined order's compensation, stops, and exits 0 when every
 * order reached the state its path leads to. `--keep` serves on after that (port 4566 unless `--port`),
 * so `npm run trace`, the console and the AWS CLI can look at what it did, until Ctrl+C.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssembly } from '../local/assembly/ensure-assembly';
import type { LocalCloud } from '../local/cloud';
import { prefixLogLine } from '../local/lambda/log-lines';
import { startShopCloud } from './payment-provider/local-provider';
import { Progress } from './progress';
import { readProducts, seedProducts } from './seed-products';
import { deliveredEntry, orderEntry, poisonEntry, sampleOrder, type SamplePath } from './sample-orders';
import { ShopClient } from './shop-client';
import { runTrace } from './trace/run-trace';

const EXPECTED: Record<SamplePath, string> = { delivered: 'DELIVERED', 'out-of-stock': 'CANCELLED', 'credit-limit': 'CANCELLED', 'declined-card': 'CANCELLED' };
const MIX: SamplePath[] = ['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'out-of-stock', 'credit-limit', 'credit-limit', 'declined-card'];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { logs: { type: 'boolean', default: false }, orders: { type: 'string', default: String(MIX.length) }, keep: { type: 'boolean', default: false }, port: { type: 'string' } },
  });
  const count = Number(values.orders);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--orders must be a positive integer, got "${values.orders}"`);
  // Kept running, it takes the local cloud's usual port, where `npm run trace` and the other tools look first.
  const port = Number(values.port ?? (values.keep ? 4566 : 0));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const started = Date.now();
  const progress = new Progress(started);
  const logFile = path.resolve('.local', 'logs', 'handlers.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logStream = fs.createWriteStream(logFile);
  const color = process.stderr.isTTY === true;

  progress.step('synthesizing the app if it changed (cdk synth)');
  const app = ensureAssembly(undefined, (line) => progress.step(line));
  progress.step('booting the local cloud and the stub payment provider, deploying the app');
  const cloud = await startShopCloud({
    port,
    app,
    outputsFile: path.resolve('.local', 'cdk-outputs.json'),
    onHandlerLog: (fn, line) => {
      logStream.write(`${prefixLogLine(fn, line, false)}\n`);
      if (values.logs) process.stderr.write(`${prefixLogLine(fn, line, color)}\n`);
    },
  });
  const bootSeconds = (Date.now() - started) / 1000;
  const shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  try {
    progress.step('loading the product catalog');
    await seedProducts(shop.dynamo, shop.table('Inventory'), readProducts(path.resolve('data', 'products.json')));

    const run = Date.now().toString(36);
    const orders = Array.from({ length: count }, (_, i) => sampleOrder(`ord-${run}-${i + 1}`, MIX[i % MIX.length]!));
    progress.step(`placing ${orders.length} orders and one poison event`);
    await shop.put([...orders.map(orderEntry), poisonEntry(`ord-${run}-poison`)]);
    await settle(cloud, progress, 'orders flowing through the saga');

    const shipped = (await shop.orders()).filter((o) => o['status'] === 'SHIPPED');
    progress.step(`the carrier delivers ${shipped.length} shipments (integration bus)`);
    await shop.put(shipped.map((o) => deliveredEntry(String(o['orderId']), String(o['shipmentId']))), 'IntegrationBusName');
    await settle(cloud, progress, 'deliveries flowing through');
    progress.done();

    const finalOrders = await shop.orders();
    const byStatus = count_(finalOrders.map((o) => String(o['status'])));
    const audit = await shop.auditTrail();
    const byType = count_(audit.map((e) => String(e['detailType'])));
    const dlqs = (await shop.deadLetterCounts()).filter((d) => d.messages > 0);
    const wrong = orders.filter((o, i) => finalOrders.find((f) => f['orderId'] === o.orderId)?.['status'] !== EXPECTED[MIX[i % MIX.length]!]);
    const seconds = (Date.now() - started) / 1000;

    const lines = [
      '',
      `Order pipeline on the local cloud: ${orders.length} orders, 1 poison event`,
      '',
      'Orders by final status',
      ...Object.entries(byStatus).map(([status, n]) => `  ${status.padEnd(24)} ${n}`),
      '',
      'Events by detail-type (audit store)',
      ...Object.entries(byType).map(([type, n]) => `  ${type.padEnd(24)} ${n}`),
      '',
      'Messages in dead-letter queues',
      ...(dlqs.length === 0 ? ['  (none)'] : dlqs.map((d) => `  ${d.name.padEnd(40)} ${d.messages}`)),
      '',
      `Payment provider (stub at ${cloud.provider.url}): ${JSON.stringify(cloud.provider.stats)}`,
      `Time: ${seconds.toFixed(1)} s (boot ${bootSeconds.toFixed(1)} s), ${cloud.lambda.metrics.invocations} invocations, ${cloud.lambda.metrics.coldStarts} cold starts`,
      `Handler logs: ${path.relative(process.cwd(), logFile)}   Outputs: .local/cdk-outputs.json`,
      wrong.length === 0 ? 'Every order reached the state its path leads to.' : `NOT as expected: ${wrong.map((o) => o.orderId).join(', ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);

    // Where every event of a declined order went, from the flight recorder: the compensation path.
    const declined = orders.find((_, i) => MIX[i % MIX.length] === 'credit-limit');
    if (declined !== undefined) {
      process.stdout.write(`\nThe declined order ${declined.orderId}, as the flight recorder saw it (npm run trace -- ${declined.orderId}):\n`);
      const traced = await runTrace([declined.orderId, '--endpoint', cloud.endpoint, '--outputs', path.resolve('.local', 'cdk-outputs.json')], { write: (text) => process.stdout.write(text), color: process.stdout.isTTY === true });
      if (traced.code !== 0) return traced.code;
    }
    if (values.keep) await serveUntilStopped(cloud.endpoint, declined?.orderId, port);
    return wrong.length === 0 ? 0 : 1;
  } finally {
    progress.done();
    shop.destroy();
    await cloud.stop();
    logStream.end();
  }
}

/** `--keep`: the cloud stays up with what the run left in it, for the tools, until Ctrl+C. */
async function serveUntilStopped(endpoint: string, declinedId: string | undefined, port: number): Promise<void> {
  const at = port === 4566 ? '' : ` --endpoint ${endpoint}`;
  process.stdout.write(
    [
      '',
      `Serving on ${endpoint} until Ctrl+C:`,
      `  trace an order   npm run trace -- ${declinedId ?? '<order id>'}${at}`,
      `  the console      ${endpoint}/_local/console`,
      `  AWS CLI / SDK    AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function settle(cloud: LocalCloud, progress: Progress, what: string): Promise<void> {
  progress.step(`${what}; waiting until settled`);
  const result = await cloud.settle(120_000);
  if (!result.settled) throw new Error(`the local cloud did not settle in 120 s; still pending: ${JSON.stringify(result.pending)}`);
}

function count_(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values.sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nstart: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
