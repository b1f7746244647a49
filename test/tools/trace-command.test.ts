import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTrace } from '../../scripts/trace/run-trace';
import type { TraceTree } from '../../scripts/trace/trace-tree';
import { declinedOrderStory } from './trace-fixtures';

/**
 * `npm run trace` against an endpoint whose flight recorder answers with contract stories (a stand-in
 * for the local cloud's route; the slow tier runs it against the real one). The Orders table cannot
 * be read there, so the order's state is unknown.
 */
let server: http.Server;
let endpoint: string;
let outputs: string;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    asked.push(`${request.method} ${url.pathname}?${url.searchParams.toString()}`);
    const id = url.searchParams.get('id') ?? '';
    const body = url.pathname !== '/_local/recorder/story' ? undefined : id === 'ord-declined' ? declinedOrderStory().story() : { id, matchedBy: 'none', truncated: true, events: [] };
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { message: 'no such route' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  outputs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'outputs.json');
  fs.writeFileSync(outputs, JSON.stringify({ 'Shop-dev-Orders': { OrdersTableName: 'Orders' }, 'Shop-dev-Audit': { AuditTableName: 'Audit' } }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function trace(...args: string[]) {
  let written = '';
  const result = await runTrace([...args, '--endpoint', endpoint, '--outputs', outputs], { write: (text) => (written += text), color: false });
  return { ...result, written };
}

it('asks the recorder for the id and prints the tree; --json prints the same tree as JSON', async () => {
  // Act
  const text = await trace('ord-declined');
  const json = await trace('ord-declined', '--json');

  // Assess
  expect(asked).toContain('GET /_local/recorder/story?id=ord-declined');
  expect(text.code).toBe(0);
  expect(text.written).toMatch(/^Order ord-declined: status unknown \(the Orders table could not be read\)\n/);
  expect(text.written).toMatch(/shop\.payments PaymentDeclined  e-declined/);
  const parsed = JSON.parse(json.written) as TraceTree;
  expect(parsed).toEqual(JSON.parse(JSON.stringify(text.tree)));
  expect(parsed.events[0]).toMatchObject({ detailType: 'OrderPlaced', eventId: 'e-placed' });
});

it('refuses an id the recorder does not know, saying what it searched', async () => {
  await expect(trace('ord-nobody')).rejects.toThrow(
    /^no order or event "ord-nobody" in the flight recorder of the local cloud at http:\/\/127\.0\.0\.1:\d+: it searched its events' ids and correlation ids \(order ids\), and has dropped its oldest hops/,
  );
});

it('refuses no id, two ids, and an endpoint where nothing answers', async () => {
  await expect(trace()).rejects.toThrow(/name one order id or event id\nusage: npm run trace/);
  await expect(trace('a', 'b')).rejects.toThrow(/name one order id or event id/);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await expect(runTrace(['x', '--endpoint', `http://127.0.0.1:${port}`, '--outputs', outputs], { write: () => undefined, color: false })).rejects.toThrow(
    new RegExp(`^nothing answers at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start the local cloud \\(npm run local\\)`),
  );
});
