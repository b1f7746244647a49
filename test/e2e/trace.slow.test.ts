import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '../../local/cloud';
import { startShopCloud } from '../../scripts/payment-provider/local-provider';
import { orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { ShopClient } from '../../scripts/shop-client';
import { walkEvents, type EventNode, type TraceTree } from '../../scripts/trace/trace-tree';

/**
 * `npm run trace` as a user runs it, against the local cloud with the app deployed and its stub
 * payment provider: a declined order's compensation path (placed -> stock reserved -> payment
 * declined -> stock released -> order cancelled) in the text and in --json, from the flight recorder
 * and, with --aws-apis-only, from what AWS APIs keep.
 */
const ROOT = path.join(__dirname, '..', '..');
let cloud: LocalCloud;
let shop: ShopClient;
let outputsFile: string;
const orderId = `trace-declined-${Date.now().toString(36)}`;

beforeAll(async () => {
  outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'outputs.json');
  cloud = await startShopCloud({ port: 0, app: process.env['TEST_ASSEMBLY']!, outputsFile });
  shop = new ShopClient(cloud.deployment!.outputs, cloud.endpoint);
  await seedProducts(shop.dynamo, shop.table('Inventory'), readProducts(path.join(ROOT, 'data', 'products.json')));
  // Above the stub provider's credit limit: reserved, declined, released, cancelled.
  await shop.put([orderEntry(sampleOrder(orderId, 'credit-limit'))]);
  expect((await cloud.settle(60_000)).settled).toBe(true);
}, 120_000);
afterAll(async () => {
  shop?.destroy();
  await cloud?.stop();
});

/** `npm run trace -- <args>` with the test cloud's outputs and endpoint; stdout, stderr and the exit code. */
async function npmTrace(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'trace', '--', ...args, '--outputs', outputsFile, '--endpoint', cloud.endpoint], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The detail-types from each root to each event of the tree. */
const paths = (tree: TraceTree): string[] => walkEvents(tree.events).map(({ path }) => path.join(' > '));

/** How deep a line of the text tree is: where its content starts after the connectors. */
const depth = (line: string) => line.search(/[^│├└─ ]/);

it("shows a declined order's whole compensation path as a tree, and the same tree as JSON", async () => {
  // Act
  const text = await npmTrace(orderId);
  const json = await npmTrace(orderId, '--json');

  // Assess: the text
  expect(text).toMatchObject({ code: 0, stderr: '' });
  const lines = text.stdout.split('\n');
  expect(lines[0]).toBe(`Order ${orderId}: CANCELLED (PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED)`);
  expect(lines[1]).toMatch(/^from the local cloud's flight recorder: \d+ events, the first at /);
  // Each step of the path nested under the one that caused it.
  const step = (pattern: RegExp, after: number) => {
    const at = lines.findIndex((line, index) => index > after && pattern.test(line));
    expect(at).toBeGreaterThan(after);
    return at;
  };
  const placed = step(/^\+0 ms  shop\.orders OrderPlaced .*total=7200.*  on \S+$/, 1);
  const reserved = step(/ shop\.inventory StockReserved .*  on \S+  published by \S*InventoryRelay\S*$/, placed);
  const declined = step(/ shop\.payments PaymentDeclined .*reason=CREDIT_LIMIT_EXCEEDED/, reserved);
  const released = step(/ shop\.inventory StockReleased /, declined);
  const cancelled = lines.findIndex((line, index) => index > declined && / shop\.orders OrderStatusChanged from=\S+ reason=PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED to=CANCELLED  /.test(line) && depth(line) > depth(lines[declined]!));
  expect(cancelled).toBeGreaterThan(declined);
  expect([placed, reserved, declined, released].map((at) => depth(lines[at]!))).toEqual([0, expect.any(Number), expect.any(Number), expect.any(Number)]);
  expect(depth(lines[reserved]!)).toBeGreaterThan(depth(lines[placed]!));
  expect(depth(lines[declined]!)).toBeGreaterThan(depth(lines[reserved]!));
  expect(depth(lines[released]!)).toBeGreaterThan(depth(lines[declined]!));
  // Under the reservation: its rule, its queue and the invocation that wrote it.
  expect(lines.slice(placed, reserved).join('\n')).toMatch(/rule \S+ → queue \S*ReserveStock\S*\n.*\+\d+(\.\d+)? m?s  \S*ReserveStock\S*  (cold|warm), \d+ ms, batch of \d+  success\n.*Inventory/);
  expect(text.stdout).toMatch(/✗ not matched: rule \S*SendNotification\S* \(failed on detail\.data\.to\)/);
  expect(text.stdout).toMatch(/\n {2}Final state: CANCELLED \(PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED\)\n/);
  expect(text.stdout).not.toMatch(/dead-letter|in flight|\u001b\[/);

  // Assess: the JSON
  expect(json.code).toBe(0);
  const tree = JSON.parse(json.stdout) as TraceTree;
  expect(tree).toMatchObject({ id: orderId, matchedBy: 'correlationId', from: 'flight-recorder', orderId, order: { status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' }, truncated: false });
  expect(tree.events.map((event) => event.detailType)).toEqual(['OrderPlaced']);
  expect(paths(tree)).toEqual(
    expect.arrayContaining(['OrderPlaced > StockReserved > PaymentDeclined > StockReleased', 'OrderPlaced > StockReserved > PaymentDeclined > OrderStatusChanged']),
  );
  expect(tree.endings.length).toBeGreaterThan(5);
  expect(tree.endings.filter((end) => end.state !== 'done')).toEqual([]);
}, 60_000);

it('traces from one event id: that event and what it led to', async () => {
  // Prepare
  const full = JSON.parse((await npmTrace(orderId, '--json')).stdout) as TraceTree;
  const declined = full.events[0]!.rules.flatMap((rule) => rule.invocations.flatMap((i) => i.writes.flatMap((w) => w.published))).flatMap((reserved) =>
    reserved.rules.flatMap((rule) => rule.invocations.flatMap((i) => i.writes.flatMap((w) => w.published))),
  ).find((event) => event.detailType === 'PaymentDeclined');
  expect(declined).toBeDefined();

  // Act
  const result = await npmTrace(declined!.eventId, '--json');

  // Assess
  const tree = JSON.parse(result.stdout) as TraceTree;
  expect(tree).toMatchObject({ id: declined!.eventId, matchedBy: 'eventId', orderId, order: { status: 'CANCELLED' } });
  expect(paths(tree)).toEqual(expect.arrayContaining(['PaymentDeclined > StockReleased', 'PaymentDeclined > OrderStatusChanged']));
  expect(paths(tree)).not.toContain('OrderPlaced');
}, 60_000);

it('reconstructs the order from AWS APIs alone (as on LocalStack and AWS), saying what needs the local cloud', async () => {
  // Act
  const text = await npmTrace(orderId, '--aws-apis-only');
  const json = await npmTrace(orderId, '--aws-apis-only', '--json');

  // Assess
  expect(text.code).toBe(0);
  expect(text.stdout.split('\n')[0]).toBe(`Order ${orderId}: CANCELLED (PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED)`);
  expect(text.stdout).toMatch(/^from AWS APIs \(audit store, dead-letter queues, Orders table\): \d+ events/m);
  expect(text.stdout).toMatch(/Note: this story needs the local cloud \(npm run local\) and its flight recorder: which rules each event matched/);
  expect(text.stdout).toMatch(/Dead-letter queues\n {2}\(no message of this order\)/);
  expect(text.stdout).toMatch(/^\+\d+(\.\d+)? m?s  shop\.orders OrderStatusChanged from=\S+ reason=PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED to=CANCELLED  /m);
  const tree = JSON.parse(json.stdout) as TraceTree;
  expect(tree).toMatchObject({ from: 'aws-apis', orderId, order: { status: 'CANCELLED' }, deadLetters: [] });
  const types = tree.events.map((event) => event.detailType);
  // In time order, as the audit store keeps them.
  const at = (type: string) => types.indexOf(type);
  expect(at('OrderPlaced')).toBe(0);
  expect(at('StockReserved')).toBeGreaterThan(at('OrderPlaced'));
  expect(at('PaymentDeclined')).toBeGreaterThan(at('StockReserved'));
  expect(at('StockReleased')).toBeGreaterThan(at('PaymentDeclined'));
  expect(types.filter((type) => type === 'OrderStatusChanged').length).toBeGreaterThanOrEqual(1);
}, 60_000);

it('says what it searched for an id nobody knows, with exit code 1', async () => {
  const local = await npmTrace('ord-nobody-knows');
  expect(local).toMatchObject({ code: 1, stdout: '' });
  expect(local.stderr).toMatch(/^trace: no order or event "ord-nobody-knows" in the flight recorder of the local cloud at http:\/\/127\.0\.0\.1:\d+: it searched its events' ids and correlation ids/);
  const aws = await npmTrace('ord-nobody-knows', '--aws-apis-only');
  expect(aws.code).toBe(1);
  expect(aws.stderr).toMatch(/^trace: no order or event "ord-nobody-knows": searched the audit store \(table \S+: the order key ORDER#ord-nobody-knows, and every record's eventId\), the Orders table \(\S+\) and the \d+ dead-letter queues/);
}, 60_000);
