/**
 * `npm run invoke -- <function> <event.json>`: runs one bundled handler of the synthesized app (the
 * code `cdk deploy` would ship) in a Lambda-like sandbox with a test event, and prints its logs and
 * response. An EventBridge event is wrapped in an SQS batch, as the queue in front of the function
 * would deliver it; an SQS event (`Records`) is passed as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCloudAssembly } from '../local/assembly/cloud-assembly';
import { findFunction, listFunctions } from '../local/assembly/functions';
import { referenceResolver, type OutputsFile } from '../local/assembly/references';
import { prefixLogLine } from '../local/lambda/log-lines';
import { Sandbox } from '../local/lambda/sandbox';
import { sqsEvent } from '../local/lambda/sqs-event';
import { ensureAssembly } from '../local/assembly/ensure-assembly';

const USAGE = `usage: npm run invoke -- <function> <event.json> [options]

  <function>        RecordOrder, record-order, or a construct path (Shop-dev-Orders/RecordOrder)
  <event.json>      an EventBridge event (wrapped in an SQS batch) or an SQS event
  --endpoint URL    where the handler's AWS SDK calls go (default: $AWS_ENDPOINT_URL, else http://127.0.0.1:4566)
  --outputs FILE    a \`cdk deploy --outputs-file\` file: resolve table and bus names to the deployed ones
  --env KEY=VALUE   set or override an environment variable of the function (repeatable)
  --assembly DIR    the cloud assembly to read (default: cdk.out, synthesized when missing or stale)
  --region REGION   default: $AWS_REGION, else us-east-1`;

function fail(message: string): never {
  process.stderr.write(`invoke: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      outputs: { type: 'string' },
      env: { type: 'string', multiple: true },
      assembly: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, eventFile] = positionals;
  if (name === undefined || eventFile === undefined) fail('a function name and an event file are required');
  if (!fs.existsSync(eventFile)) fail(`event file not found: ${eventFile}`);
  let event: unknown;
  try {
    event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  } catch (error) {
    fail(`event file ${eventFile} is not JSON: ${(error as Error).message}`);
  }
  const overrides = Object.fromEntries(
    (values.env ?? []).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) fail(`--env takes KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );

  const region = values.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  const endpoint = values.endpoint ?? process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566';
  const assemblyDir = values.assembly === undefined ? ensureAssembly() : path.resolve(values.assembly);
  const assembly = readCloudAssembly(assemblyDir);
  let fn;
  try {
    fn = findFunction(listFunctions(assembly), name);
  } catch (error) {
    return fail((error as Error).message);
  }
  const outputs = values.outputs === undefined ? undefined : (JSON.parse(fs.readFileSync(values.outputs, 'utf8')) as OutputsFile);
  const references = referenceResolver(assembly, { region, accountId: '000000000000', endpoint, outputs });
  const environment = { ...(references.resolve(fn.stackName, fn.environment) as Record<string, string>), ...overrides };
  const functionName = fn.name;
  const color = process.stderr.isTTY === true;

  const sandbox = new Sandbox({
    functionName,
    assetDirectory: fn.assetDirectory,
    handler: fn.handler,
    runtime: fn.runtime,
    timeoutSeconds: fn.timeoutSeconds,
    memoryMb: fn.memoryMb,
    region,
    accountId: '000000000000',
    environment,
    endpoint,
    onLog: (line) => process.stderr.write(`${prefixLogLine(functionName, line, color)}\n`),
  });
  const isSqsEvent = typeof event === 'object' && event !== null && 'Records' in event;
  const payload = isSqsEvent ? event : sqsEvent([{ body: JSON.stringify(event) }], `arn:aws:sqs:${region}:000000000000:${functionName}-queue`, region);
  process.stderr.write(`invoking ${fn.constructPath} (${path.relative(process.cwd(), fn.assetDirectory)}) with ${eventFile}, endpoint ${endpoint}\n`);
  const outcome = await sandbox.invoke(payload);
  sandbox.stop();

  const summary = outcome.ok ? `succeeded in ${outcome.durationMs.toFixed(0)} ms` : `failed in ${outcome.durationMs.toFixed(0)} ms`;
  process.stderr.write(`${summary}${outcome.initMs === undefined ? '' : ` (cold start, init ${outcome.initMs.toFixed(0)} ms)`}\n`);
  process.stdout.write(`${JSON.stringify(outcome.ok ? outcome.result : outcome.error, null, 2)}\n`);
  return outcome.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`invoke: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
