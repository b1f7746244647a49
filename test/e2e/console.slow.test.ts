import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { output } from '../../scripts/outputs';
import { orderEntry, poisonEntry, sampleOrder } from '../../scripts/sample-orders';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { openTarget, type PipelineTarget } from './support/target';

/**
 * The web console in a real headless browser (Debian's chromium, driven by playwright-core) against
 * the local cloud with the app deployed: the topology with counts that move as orders flow, a poison
 * event's dead letter with its reason and its redrive, and an order's timeline from the flight
 * recorder. Leaves a screenshot of the topology for the README (docs/console.png).
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'console.png');
const run = Date.now().toString(36);

let target: PipelineTarget;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  target = await openTarget();
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // Wide enough for the whole topology at its own size (the screenshot).
  page = await browser.newPage({ viewport: { width: 1800, height: 940 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await target?.close();
});

afterEach(() => {
  // Every view's script ran without an error in the page.
  expect(pageErrors).toEqual([]);
});

const consoleUrl = () => `${target.cloud!.endpoint}/_local/console`;
/** The name a deployed resource has (the console's nodes are keyed by physical names). */
const physical = (outputKey: string) => output(target.shop.outputs, outputKey).split('/').pop()!;

/** The number an element of the page shows in its `data-<attribute>`, read in the page. */
async function numberIn(selector: string, attribute = 'count'): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute(`data-${attribute}`));
}

/** Waits until `read` gives a value `check` accepts (the page refreshes its counts every second); fails saying the last value. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

it('shows the deployed topology, and its counts move as orders flow', async () => {
  // Prepare
  await page.goto(consoleUrl());
  await page.waitForSelector('body[data-ready="true"]');
  const bus = physical('DomainBusName');
  const recordOrderQueue = physical('RecordOrderQueueUrl');
  const recordOrder = physical('RecordOrderFunctionName');
  const ordersTable = physical('OrdersTableName');
  const relay = physical('OrdersRelayFunctionName');
  const pollsEdge = `[data-edge="queue:${recordOrderQueue}>function:${recordOrder}"]`;

  // Assess: every kind of resource is drawn, wired as the app wires it.
  for (const id of [`bus:${bus}`, `queue:${recordOrderQueue}`, `function:${recordOrder}`, `table:${ordersTable}`, `function:${relay}`]) {
    await expect(page.locator(`[data-node-id="${id}"]`).count()).resolves.toBe(1);
  }
  expect(await page.locator('.node-rule').count()).toBeGreaterThanOrEqual(7);
  expect(await page.locator(`[data-from="function:${relay}"][data-to="bus:${bus}"]`).count()).toBe(1);
  expect(await page.locator(`[data-from="table:${ordersTable}"][data-to="function:${relay}"]`).count()).toBe(1);
  expect(await page.locator(`[data-dlq-of="queue:${recordOrderQueue}"]`).count()).toBe(1);
  const before = await numberIn(pollsEdge);

  // Act: two orders, one delivered to shipping, one declined and compensated.
  await target.shop.put([orderEntry(sampleOrder(`console-ok-${run}`, 'delivered')), orderEntry(sampleOrder(`console-declined-${run}`, 'declined-card'))]);
  await target.eventually(async () => undefined);

  // Assess: the page's own polling shows the messages the record-order function took.
  await until(() => numberIn(pollsEdge), (n) => n >= before + 2, 'messages record-order took');
  await until(() => numberIn(`[data-stats="function:${recordOrder}"]`, 'invocations'), (n) => n > 0, 'record-order invocations');
});

it("lists a poison event's dead letter with its reason, and redrives it back to its queue", async () => {
  // Prepare: an OrderPlaced that breaks its schema; every consumer parks it in its DLQ after its receives.
  const orderId = `console-poison-${run}`;
  await target.shop.put([poisonEntry(orderId)]);
  await target.eventually(async () => {
    const counts = await target.shop.deadLetterCounts();
    expect(counts.find((q) => q.name === 'RecordOrderDeadLetterQueue')?.messages).toBe(1);
  });
  const recordOrderQueue = physical('RecordOrderQueueUrl');
  const recordOrder = physical('RecordOrderFunctionName');
  await page.goto(`${consoleUrl()}#topology`);
  await page.waitForSelector('body[data-ready="true"]');
  await until(() => numberIn(`[data-dlq-of="queue:${recordOrderQueue}"]`), (n) => n === 1, "record-order's DLQ badge");
  const takenBefore = await numberIn(`[data-edge="queue:${recordOrderQueue}>function:${recordOrder}"]`);

  // Act: open the dead letters.
  await page.click('nav a[data-view="dead-letters"]');
  const section = page.locator('section.dlq[data-queue="RecordOrderDeadLetterQueue"]');
  await section.locator('tr.letter').first().waitFor();

  // Assess: the reason the handler recorded, naming the broken fields.
  const reason = await section.locator('tr.letter td.reason').first().textContent();
  expect(reason).toMatch(/OrderPlaced/);
  expect(reason).toMatch(/customerId|items/);
  expect(await section.locator('tr.letter td.body').first().textContent()).toContain(orderId);

  // Act: redrive it.
  await section.locator('button.redrive').click();
  await section.waitFor({ state: 'detached', timeout: 20_000 });

  // Assess: the DLQ is empty and the record-order function took the message again from its queue.
  const counts = await target.shop.deadLetterCounts();
  expect(counts.find((q) => q.name === 'RecordOrderDeadLetterQueue')?.messages).toBe(0);
  await page.click('nav a[data-view="topology"]');
  await until(() => numberIn(`[data-edge="queue:${recordOrderQueue}>function:${recordOrder}"]`), (n) => n > takenBefore, 'messages record-order took after the redrive');
});

it("shows a declined order's timeline, its events in the order they happened", async () => {
  // Prepare
  const orderId = `console-timeline-${run}`;
  await target.shop.put([orderEntry(sampleOrder(orderId, 'declined-card'))]);
  await target.eventually(async () => undefined);

  // Act
  await page.goto(`${consoleUrl()}#timeline?id=${encodeURIComponent(orderId)}`);
  await page.locator('li.story-event').first().waitFor();

  // Assess: the saga's compensation path, in time order.
  const types = await page.locator('li.story-event').evaluateAll((items) => items.map((item) => item.getAttribute('data-detail-type')));
  const at = (type: string) => types.indexOf(type);
  expect(types[0]).toBe('OrderPlaced');
  for (const type of ['StockReserved', 'PaymentDeclined', 'StockReleased']) expect(at(type)).toBeGreaterThan(0);
  expect(at('StockReserved')).toBeLessThan(at('PaymentDeclined'));
  expect(at('PaymentDeclined')).toBeLessThan(at('StockReleased'));
  expect(await page.locator('li.story-event[data-detail-type="OrderPlaced"] li.branch[data-state="done"]').count()).toBeGreaterThan(0);
});

it('filters handler logs by function and pattern, and shows the topology for the README', async () => {
  // Act
  // The declined order of the timeline above: the payments handler logged its decision, with the order as correlationId.
  const authorizePayment = physical('AuthorizePaymentFunctionName');
  await page.goto(`${consoleUrl()}#logs`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#logs-function', authorizePayment);
  await page.fill('#logs-filter', `{ $.correlationId = "console-timeline-${run}" }`);
  await page.click('#logs-form button[type="submit"]');

  // Assess: lines of that function only, each naming the order (the page re-renders as it follows: wait for the filtered answer).
  const wanted = { fn: authorizePayment, text: `console-timeline-${run}` };
  await until(
    () => page.locator('.log-line').evaluateAll((items) => items.map((item) => ({ fn: item.getAttribute('data-function'), text: item.textContent ?? '' }))),
    (lines) => lines.length > 0 && lines.every((line) => line.fn === wanted.fn && line.text.includes(wanted.text)),
    'the filtered log lines',
  );
  expect(await page.locator('.log-line', { hasText: 'payment decided' }).count()).toBe(1);

  // The README's picture: the topology after the orders above, counts on every edge.
  await page.goto(`${consoleUrl()}#topology`);
  await page.waitForSelector('body[data-ready="true"]');
  await until(() => page.locator('.edge-label').evaluateAll((labels) => labels.filter((label) => Number(label.getAttribute('data-count')) > 0).length), (n) => n > 0, 'edges with a count');
  await page.locator('#topology-graph svg').screenshot({ path: SCREENSHOT });
});
