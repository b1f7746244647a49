import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { compilePattern } from '../local/eventbridge/pattern';

const ROOT = path.join(__dirname, '..');

/** Starts the local cloud in its own process (so it has its own core) and returns its endpoint. */
export async function startCloudProcess(args: string[] = ['--no-app']): Promise<{ endpoint: string; process: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/cli.ts', '--port', '0', '--quiet', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (\S+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`local cloud exited with ${code}: ${out}`)));
  });
  return {
    endpoint,
    process: child,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}

function clients(endpoint: string) {
  const requestHandler = new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, requestHandler };
  return { events: new EventBridgeClient(config), sqs: new SQSClient(config) };
}

/** The AWS calls the benchmark makes; two implementations: the AWS SDK, and bare HTTP. */
interface BenchCalls {
  putEvents(entries: object[]): Promise<{ FailedEntryCount?: number }>;
  receive(queueUrl: string): Promise<Array<{ ReceiptHandle?: string }>>;
  deleteBatch(queueUrl: string, handles: string[]): Promise<void>;
  destroy(): void;
}

function sdkCalls(endpoint: string): BenchCalls {
  const { events, sqs } = clients(endpoint);
  return {
    putEvents: (entries) => events.send(new PutEventsCommand({ Entries: entries as never })),
    receive: async (queueUrl) => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [],
    deleteBatch: async (queueUrl, handles) => {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }));
    },
    destroy: () => (events.destroy(), sqs.destroy()),
  };
}

/**
 * The same calls as bare JSON-protocol requests over keep-alive HTTP: what any client sends on the
 * wire, without the SDK's client-side cost (SigV4 signing, middleware), which on this 2-core machine
 * would otherwise be the bottleneck of the measurement rather than the local cloud.
 */
function httpCalls(endpoint: string): BenchCalls {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(endpoint);
  const call = (target: string, body: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const text = JSON.stringify(body);
      const request = httpRequest(
        { host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target, 'Content-Length': Buffer.byteLength(text) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
            if (response.statusCode !== 200) reject(new Error(`${target}: ${String(parsed['__type'])} ${String(parsed['message'])}`));
            else resolve(parsed);
          });
        },
      );
      request.on('error', reject);
      request.end(text);
    });
  return {
    putEvents: (entries) => call('AWSEvents.PutEvents', { Entries: entries }),
    receive: async (queueUrl) => ((await call('AmazonSQS.ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))['Messages'] as Array<{ ReceiptHandle?: string }>) ?? [],
    deleteBatch: async (queueUrl, handles) => {
      await call('AmazonSQS.DeleteMessageBatch', { QueueUrl: queueUrl, Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) });
    },
    destroy: () => agent.destroy(),
  };
}

/**
 * Events per second through PutEvents (10 entries a call) -> rule -> SQS queue ->
 * ReceiveMessage (10) / DeleteMessageBatch, all over HTTP, with bare requests or the AWS SDK.
 */
export async function routedEventsPerSecond(endpoint: string, total: number, client: 'http' | 'sdk', onProgress?: (done: number) => void): Promise<number> {
  const { events, sqs } = clients(endpoint);
  const calls = client === 'sdk' ? sdkCalls(endpoint) : httpCalls(endpoint);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `bench-${Date.now()}` }))).QueueUrl!;
  const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').pop()}`;
  await events.send(new PutRuleCommand({ Name: 'bench', EventPattern: JSON.stringify({ source: ['bench.orders'], detail: { amount: [{ numeric: ['>=', 0] }] } }) }));
  await events.send(new PutTargetsCommand({ Rule: 'bench', Targets: [{ Id: 'queue', Arn: queueArn }] }));
  const detail = JSON.stringify({ orderId: 'o-1', amount: 42, items: [{ sku: 'SKU-1', quantity: 1 }] });
  const entries = Array.from({ length: 10 }, () => ({ Source: 'bench.orders', DetailType: 'OrderPlaced', Detail: detail }));

  const started = process.hrtime.bigint();
  let sent = 0;
  let received = 0;
  const producer = async () => {
    while (sent < total) {
      sent += 10;
      const result = await calls.putEvents(entries);
      if (result.FailedEntryCount) throw new Error(`${result.FailedEntryCount} entries failed`);
    }
  };
  const consumer = async () => {
    while (received < total) {
      const messages = await calls.receive(queueUrl);
      if (messages.length === 0) continue;
      received += messages.length;
      onProgress?.(received);
      await calls.deleteBatch(queueUrl, messages.map((m) => m.ReceiptHandle!));
    }
  };
  await Promise.all([...Array.from({ length: 6 }, producer), ...Array.from({ length: 6 }, consumer)]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  events.destroy();
  sqs.destroy();
  calls.destroy();
  return total / seconds;
}

/** Patterns matched per second: the conformance patterns and events, matched in a tight loop. */
export function patternsMatchedPerSecond(durationMs = 1000): number {
  const file = path.join(ROOT, 'test', 'conformance', 'patterns', 'event-patterns.json');
  const cases = (JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ expected: string; pattern: unknown; event: unknown }>).filter((c) => c.expected !== 'invalid-pattern');
  const compiled = cases.map((c) => ({ pattern: compilePattern(c.pattern), event: c.event }));
  let matched = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(durationMs) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    for (const { pattern, event } of compiled) pattern.matches(event);
    matched += compiled.length;
  }
  return matched / (Number(process.hrtime.bigint() - started) / 1e9);
}
