import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type { LocalCloud } from '../local/cloud';
import { Sandbox } from '../local/lambda/sandbox';
import { sqsEvent } from '../local/lambda/sqs-event';
import type { LocalFunction } from '../local/lambda/lambda-service';
import { listTestEvents, loadTestEvent } from '../test/support/events';
import { median, round } from './stats';

export interface HandlerFigures {
  name: string;
  bundleBytes: number;
  gzipBytes: number;
  /** A fresh process loads the bundle and runs its init phase: the median of `runs`. */
  coldInitMs: number;
  /** The same for a bundle that only creates the AWS SDK clients the handler ships with. */
  floorInitMs: number;
  floorBundleBytes: number;
  /** A warm sandbox handling one valid event of its own: the median of `runs`. */
  warmInvokeMs: number;
  sdkClients: string[];
}

/** How the floor creates each SDK client package a handler bundles (the handler's own clients, nothing else). */
const CLIENT_FLOOR: Record<string, { imports: string; creates: string }> = {
  '@aws-sdk/client-dynamodb': { imports: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", creates: 'const dynamodb = new DynamoDBClient({});' },
  '@aws-sdk/lib-dynamodb': { imports: "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';", creates: 'DynamoDBDocumentClient.from(dynamodb);' },
  '@aws-sdk/client-eventbridge': { imports: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';", creates: 'new EventBridgeClient({});' },
  '@aws-sdk/client-sqs': { imports: "import { SQSClient } from '@aws-sdk/client-sqs';", creates: 'new SQSClient({});' },
  '@aws-sdk/client-lambda': { imports: "import { LambdaClient } from '@aws-sdk/client-lambda';", creates: 'new LambdaClient({});' },
  '@aws-sdk/client-ssm': { imports: "import { SSMClient } from '@aws-sdk/client-ssm';", creates: 'new SSMClient({});' },
};

/** The SDK client packages a bundle ships, read from its source map. */
export function bundledClients(assetDirectory: string): string[] {
  const map = JSON.parse(fs.readFileSync(path.join(assetDirectory, 'index.js.map'), 'utf8')) as { sources: string[] };
  const packages = new Set(map.sources.map((s) => /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)/.exec(s)?.[1]).filter((p): p is string => p !== undefined));
  return [...packages].sort();
}

/** Builds the floor bundle with the options the app's bundles use (minified, names kept, source map, node22). */
async function buildFloor(clients: string[], outdir: string): Promise<string> {
  const unknown = clients.filter((c) => CLIENT_FLOOR[c] === undefined);
  if (unknown.length > 0) throw new Error(`the floor bundle does not know how to create ${unknown.join(', ')}: add it to CLIENT_FLOOR in bench/handlers.ts`);
  // lib-dynamodb wraps client-dynamodb: the floor needs the client first.
  const ordered = [...clients].sort((a, b) => (a === '@aws-sdk/lib-dynamodb' ? 1 : b === '@aws-sdk/lib-dynamodb' ? -1 : a.localeCompare(b)));
  const source = [...ordered.map((c) => CLIENT_FLOOR[c]!.imports), ...ordered.map((c) => CLIENT_FLOOR[c]!.creates), 'export const handler = async () => ({ batchItemFailures: [] });'].join('\n');
  const entry = path.join(outdir, 'floor-entry.ts');
  fs.writeFileSync(entry, source);
  await build({
    entryPoints: [entry],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    keepNames: true,
    sourcemap: true,
    nodePaths: [path.join(__dirname, '..', 'node_modules')],
    logLevel: 'silent',
  });
  return outdir;
}

async function medianInit(fn: LocalFunction, assetDirectory: string, runs: number, endpoint: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const sandbox = new Sandbox({ ...fn.config, assetDirectory, endpoint });
    try {
      const outcome = await sandbox.invoke({ Records: [] });
      if (!outcome.ok || outcome.initMs === undefined) throw new Error(`${fn.name} failed its init in ${assetDirectory}: ${JSON.stringify(outcome.error)}`);
      times.push(outcome.initMs);
    } finally {
      sandbox.stop();
    }
  }
  return round(median(times), 1);
}

/** The hop's name (`RecordOrder`) from the stack outputs (`RecordOrderFunctionName`), else the function's. */
function shortName(cloud: LocalCloud, fn: LocalFunction): string {
  for (const values of Object.values(cloud.deployment?.outputs ?? {})) {
    for (const [key, value] of Object.entries(values)) if (key.endsWith('FunctionName') && value === fn.name) return key.replace(/FunctionName$/, '');
  }
  return fn.name;
}

/**
 * What the function is invoked with, one sample each: an SQS batch of one event of its rule, or for a
 * function on a table's stream (an outbox relay), a stream batch of one record whose outbox holds one.
 */
function sampleInvocations(cloud: LocalCloud, fn: LocalFunction): Array<() => unknown> {
  const stream = cloud.mappings.streamRuntimes().find((m) => m.config.fn === fn);
  if (stream !== undefined) return [() => streamEvent(freshEvent(loadTestEvent<Record<string, unknown>>(listTestEvents().find((file) => file.includes('order-status-changed'))!)), stream.config.streamArn, cloud.region)];
  return sampleEvents(cloud, fn).map((body) => () => sqsEvent([{ body: body() }], 'arn:aws:sqs:us-east-1:000000000000:bench', cloud.region));
}

/** A stream batch of one inserted item whose outbox holds `body`'s event (a new event id each time: published once). */
function streamEvent(body: string, streamArn: string, region: string): unknown {
  const event = JSON.parse(body) as { source: string; 'detail-type': string; detail: { metadata: Record<string, unknown> } };
  const detail = { ...event.detail, metadata: { ...event.detail.metadata, eventId: randomUUID(), occurredAt: new Date().toISOString() } };
  const outbox = JSON.stringify([{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(detail) }]);
  const key = { pk: { S: `bench-${randomUUID()}` } };
  return {
    Records: [
      {
        eventID: randomUUID().replace(/-/g, ''),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: { ApproximateCreationDateTime: Math.floor(Date.now() / 1000), Keys: key, NewImage: { ...key, outbox: { S: outbox } }, SequenceNumber: '100000000000000000001', SizeBytes: outbox.length, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        eventSourceARN: streamArn,
      },
    ],
  };
}

/** Sample events of the function's rule (test/events matched by its rule's pattern), given fresh ids. */
function sampleEvents(cloud: LocalCloud, fn: LocalFunction): Array<() => string> {
  const mapping = cloud.deployment?.mappings.find((m) => m.config.fn === fn);
  if (mapping === undefined) return [];
  const rules = cloud.eventBridge.allRules().filter((r) => [...r.targets.values()].some((t) => t.delivery.arn === mapping.config.queue.arn));
  const events = listTestEvents()
    .map((file) => loadTestEvent<Record<string, unknown>>(file))
    .filter((event) => rules.some((r) => r.compiled?.matches(event)));
  return events.map((event) => () => freshEvent(event));
}

/** A sample event with a new id and order id, as JSON. */
function freshEvent(event: Record<string, unknown>): string {
  const orderId = `warm-${randomUUID().slice(0, 12)}`;
  const detail = event['detail'] as { metadata: Record<string, unknown>; data: Record<string, unknown> };
  return JSON.stringify({ ...event, id: randomUUID(), time: new Date().toISOString(), detail: { metadata: { ...detail.metadata, correlationId: orderId }, data: { ...detail.data, orderId } } });
}

/**
 * Bundle size, cold init against its floor, and warm invoke time for every function of the app,
 * each measured in sandboxes of its own (fresh processes), against the running local cloud.
 */
export async function measureHandlers(cloud: LocalCloud, options: { runs: number; onProgress?: (done: number, total: number) => void }): Promise<HandlerFigures[]> {
  const functions = [...cloud.lambda.all()].sort((a, b) => a.name.localeCompare(b.name));
  const figures: HandlerFigures[] = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-'));
  try {
    for (const [index, fn] of functions.entries()) {
      options.onProgress?.(index, functions.length);
      const bundle = fs.readFileSync(path.join(fn.config.assetDirectory, 'index.js'));
      const clients = bundledClients(fn.config.assetDirectory);
      const floorDir = await buildFloor(clients, fs.mkdtempSync(path.join(work, 'floor-')));
      const coldInitMs = await medianInit(fn, fn.config.assetDirectory, options.runs, cloud.endpoint);
      const floorInitMs = await medianInit(fn, floorDir, options.runs, cloud.endpoint);

      const samples = sampleInvocations(cloud, fn);
      if (samples.length === 0) throw new Error(`no test event under test/events matches the rule of ${fn.name}`);
      const sandbox = new Sandbox({ ...fn.config, endpoint: cloud.endpoint });
      const warm: number[] = [];
      try {
        for (let i = 0; i <= options.runs; i++) {
          const outcome = await sandbox.invoke(samples[i % samples.length]!());
          const failures = (outcome.result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? [];
          if (!outcome.ok || failures.length > 0) throw new Error(`${fn.name} failed a warm invoke: ${JSON.stringify(outcome.error ?? outcome.result)}`);
          if (i > 0) warm.push(outcome.durationMs); // the first one is the cold start
        }
      } finally {
        sandbox.stop();
      }
      figures.push({
        name: shortName(cloud, fn),
        bundleBytes: bundle.length,
        gzipBytes: zlib.gzipSync(bundle).length,
        coldInitMs,
        floorInitMs,
        floorBundleBytes: fs.statSync(path.join(floorDir, 'index.js')).size,
        warmInvokeMs: round(median(warm), 1),
        sdkClients: clients,
      });
    }
    options.onProgress?.(functions.length, functions.length);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
