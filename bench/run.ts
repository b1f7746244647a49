/**
 * `npm run bench [-- --json] [--events <n>]`: measures the local cloud's services and prints a table;
 * with --json, one JSON object as the last line. Results are kept in bench/results/<timestamp>.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { bootSeconds, LOCALSTACK_REFERENCE } from './boot';
import { patternsMatchedPerSecond, routedEventsPerSecond, startCloudProcess } from './local-services';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, events: { type: 'string', default: '20000' } } });
  const total = Number(values.events);
  const progress = (label: string, done: number, of: number) => {
    if (!process.stderr.isTTY) return;
    const width = 30;
    const filled = Math.round((done / of) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of}`);
    if (done >= of) process.stderr.write('\n');
  };

  const cloud = await startCloudProcess();
  let routed: number;
  let routedSdk: number;
  try {
    routed = await routedEventsPerSecond(cloud.endpoint, total, 'http', (done) => progress('routing (HTTP)', done, total));
    routedSdk = await routedEventsPerSecond(cloud.endpoint, total, 'sdk', (done) => progress('routing (SDK)', done, total));
  } finally {
    await cloud.stop();
  }
  const patterns = patternsMatchedPerSecond();
  const boot = await bootSeconds();

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    routedEventsPerSecond: Math.round(routed),
    routedEventsPerSecondSdk: Math.round(routedSdk),
    patternsMatchedPerSecond: Math.round(patterns),
    bootSeconds: Number(boot.median.toFixed(2)),
    localstackReference: LOCALSTACK_REFERENCE,
    events: total,
  };
  const rows: Array<[string, string]> = [
    ['events routed/s (PutEvents -> rule -> SQS -> Receive/Delete, HTTP, batches of 10)', result.routedEventsPerSecond.toLocaleString('en-US')],
    ['the same through the AWS SDK v3 (client-side signing bound)', result.routedEventsPerSecondSdk.toLocaleString('en-US')],
    ['patterns matched/s (conformance patterns, one core)', result.patternsMatchedPerSecond.toLocaleString('en-US')],
    ['boot: cloud assembly -> ready, DynamoDB Local included (median of 3)', `${result.bootSeconds} s`],
    ['  vs LocalStack (published figures)', '~20-60 s before cdklocal deploy'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${result.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
