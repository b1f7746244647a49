import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as lambda from '@aws-sdk/client-lambda';
import * as s3 from '@aws-sdk/client-s3';
import * as sqs from '@aws-sdk/client-sqs';
import { strToU8, zipSync } from 'fflate';
import { setTimeout as delay } from 'node:timers/promises';
import type { ManualClock } from '../../local/clock';
import type { CallStep, ConformanceCase, ExpectedError } from './case';
import { mismatch } from './matches';

/** The SDK clients a case's steps call, and the cloud's clock (a ManualClock, so time moves on demand). */
export interface CaseEnvironment {
  readonly clients: { readonly sqs: sqs.SQSClient; readonly events: eventbridge.EventBridgeClient; readonly lambda: lambda.LambdaClient; readonly s3: s3.S3Client; readonly logs: logs.CloudWatchLogsClient; readonly dynamodb?: dynamodb.DynamoDBClient };
  readonly clock: ManualClock;
  /** Values every case may reference: `${region}`, `${account}`, `${endpoint}`; `${now}` is the cloud's clock (ms) at each step. */
  readonly globals: Readonly<Record<string, unknown>>;
  /**
   * Whether the cloud is working in real time (a handler running, a poller between receiving and
   * deleting): the clock then holds still, as settling does, so a visibility timeout never expires
   * under a handler that is still running. @default never
   */
  readonly busy?: () => boolean;
}

const MODULES = { sqs, events: eventbridge, lambda, s3, logs, dynamodb } as const;
const MAX_UNTIL_TRIES = 50;
/** How long a call may take before the clock starts jumping to its next timers (a long poll's end, a delay). */
const FIRST_WARP_AFTER_MS = 50;

/**
 * Replays a case through the AWS SDK, step by step, and throws naming the first step whose answer
 * differs from AWS's. `${uniq}` is unique to each run of a case, so cases never share resources.
 */
export async function runCase(testCase: ConformanceCase, env: CaseEnvironment, uniq: string): Promise<void> {
  const vars: Record<string, unknown> = { ...env.globals, uniq };
  for (const [index, step] of testCase.steps.entries()) {
    if ('advanceSeconds' in step) {
      env.clock.advance(step.advanceSeconds * 1000);
      continue;
    }
    const where = `step ${index + 1} (${step.call})`;
    vars['now'] = env.clock.now();
    let difference: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const answer = await call(step, vars, env);
      difference = compare(step, answer, vars);
      if (difference === undefined || !step.until || attempt >= MAX_UNTIL_TRIES) break;
      await whenIdle(env);
      if (!env.clock.warp()) await delay(20);
    }
    if (difference !== undefined) throw new Error(`${where}: ${difference}`);
  }
}

type Answer = { ok: true; output: Record<string, unknown> } | { ok: false; error: SdkError };
interface SdkError {
  name: string;
  message: string;
  Code?: string;
  Type?: string;
  $metadata?: { httpStatusCode?: number };
}

async function call(step: CallStep, vars: Record<string, unknown>, env: CaseEnvironment): Promise<Answer> {
  const service = step.service ?? 'sqs';
  const module = MODULES[service] as unknown as Record<string, new (input: unknown) => unknown>;
  const Command = module[`${step.call}Command`];
  if (Command === undefined) throw new Error(`the ${service} SDK has no ${step.call}Command`);
  const client = env.clients[service] as unknown as { send(command: unknown): Promise<Record<string, unknown>> } | undefined;
  if (client === undefined) throw new Error(`this conformance environment has no ${service} client (start it with that service)`);
  const command = new Command(materialize(substitute(step.input ?? {}, vars))) as { middlewareStack: MiddlewareStack };
  if (step.headers !== undefined) withHeaders(command, substitute(step.headers, vars) as Record<string, string>);
  const pending = client.send(command);
  try {
    return { ok: true, output: await whileTimeMoves(pending, env) };
  } catch (error) {
    return { ok: false, error: error as SdkError };
  }
}

interface MiddlewareStack {
  add(middleware: (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) => (args: { request: { headers: Record<string, string> } }) => Promise<unknown>, options: { step: 'build'; name: string }): void;
}

/** Adds a step's own HTTP headers to its request, once the SDK has built it. */
function withHeaders(command: { middlewareStack: MiddlewareStack }, headers: Record<string, string>): void {
  command.middlewareStack.add((next) => (args) => {
    Object.assign(args.request.headers, headers);
    return next(args);
  }, { step: 'build', name: 'conformanceStepHeaders' });
}

/** Lets the cloud's clock jump to its next timer while a call waits on it (a long poll, a delay). */
async function whileTimeMoves<T>(pending: Promise<T>, env: CaseEnvironment): Promise<T> {
  let done = false;
  const settled = pending.finally(() => (done = true));
  const deadline = Date.now() + MAX_BUSY_MS;
  // A call answered within the grace is not waiting on time: a loaded machine must not move the clock under it.
  await Promise.race([settled.catch(() => undefined), delay(FIRST_WARP_AFTER_MS)]);
  for (let round = 0; round < 500 && !done; ) {
    await Promise.race([settled.catch(() => undefined), delay(10)]);
    if (done) break;
    // While the cloud works in real time the clock holds still (bounded, should a handler hang).
    if (env.busy?.() && Date.now() < deadline) continue;
    env.clock.warp();
    round++;
  }
  return settled;
}

/** Real time a case waits for handlers to finish before moving the clock regardless. */
const MAX_BUSY_MS = 30_000;

async function whenIdle(env: CaseEnvironment): Promise<void> {
  const deadline = Date.now() + MAX_BUSY_MS;
  while (env.busy?.() && Date.now() < deadline) await delay(10);
}

function compare(step: CallStep, answer: Answer, vars: Record<string, unknown>): string | undefined {
  const expected = step.expect?.error;
  if (answer.ok) {
    if (expected !== undefined) return `expected error ${expected.code}, got success ${JSON.stringify(withoutMetadata(answer.output)).slice(0, 400)}`;
    const difference = step.expect?.output === undefined ? undefined : mismatch(substitute(step.expect.output, vars), answer.output);
    if (difference === undefined) save(step, answer.output, vars);
    return difference;
  }
  if (expected === undefined) return `expected success, got ${answer.error.name}: ${answer.error.message}`;
  return errorMismatch(substitute(expected, vars) as ExpectedError, answer.error);
}

function errorMismatch(expected: ExpectedError, error: SdkError): string | undefined {
  const actual = {
    code: error.Code ?? error.name,
    name: error.name,
    message: error.message,
    type: error.Type,
    status: error.$metadata?.httpStatusCode,
  };
  const wanted = { ...expected, name: expected.name ?? (expected.code.includes('.') ? undefined : expected.code) };
  for (const key of ['code', 'name', 'message', 'type', 'status'] as const) {
    if (wanted[key] !== undefined && wanted[key] !== actual[key]) return `error ${key}: expected ${JSON.stringify(wanted[key])}, got ${JSON.stringify(actual[key])} (${actual.name}: ${actual.message})`;
  }
  return undefined;
}

function save(step: CallStep, output: Record<string, unknown>, vars: Record<string, unknown>): void {
  for (const [name, at] of Object.entries(step.save ?? {})) {
    const value = at.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], output);
    if (value === undefined) throw new Error(`cannot save ${name}: the answer has no ${at}`);
    vars[name] = value;
  }
}

/** Replaces `${name}` in every string; a string that is only `${name}` takes the value as it is (a number, a list). */
export function substitute(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole !== null && whole[1]! in vars) return vars[whole[1]!];
    return value.replace(/\$\{(\w+)\}/g, (text, name: string) => (name in vars ? String(vars[name]) : text));
  }
  if (Array.isArray(value)) return value.map((element) => substitute(element, vars));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, element]) => [substitute(key, vars) as string, substitute(element, vars)]));
  return value;
}

/**
 * Turns the case's JSON into what the SDK takes: `{ "$base64": "..." }` → bytes, `{ "$json": value }`
 * → its JSON text (policies, patterns; helpers inside it apply first), `{ "$repeat": ["a", 1024] }` → a string of that length,
 * `{ "$padEnd": ["q-${uniq}", 80, "x", ".fifo"] }` → a unique name of exactly that length (suffix included),
 * `{ "$date": "2022-01-01T00:00:00Z" | ms | [ms, seconds] }` → a Date (the last: ms since the epoch
 * plus an offset in seconds, e.g. `["${now}", -60]`, a minute before the cloud's clock),
 * `{ "$zip": { "index.js": "source" } }` → a zip archive of those files (a Lambda deployment package).
 */
export function materialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    if (keys[0] === '$base64') return Buffer.from(String(record['$base64']), 'base64');
    if (keys[0] === '$json') return JSON.stringify(materialize(record['$json']));
    // Base64 text of a UTF-8 string (a hand-built SQS move task handle).
    if (keys[0] === '$toBase64') return Buffer.from(String(record['$toBase64']), 'utf8').toString('base64');
    if (keys[0] === '$date') return toDate(record['$date']);
    if (keys[0] === '$zip') {
      const files = record['$zip'] as Record<string, string>;
      return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
    }
    if (keys[0] === '$repeat') {
      const [text, count] = record['$repeat'] as [string, number];
      return text.repeat(count);
    }
    // A unique name of an exact length: `{ "$padEnd": ["q-${uniq}", 80, "x", ".fifo"] }` (the suffix counts).
    if (keys[0] === '$padEnd') {
      const [text, length, fill, suffix] = record['$padEnd'] as [string, number, string?, string?];
      return text.padEnd(length - (suffix ?? '').length, fill ?? 'x') + (suffix ?? '');
    }
  }
  return Object.fromEntries(keys.map((key) => [key, materialize(record[key])]));
}

function toDate(value: unknown): Date {
  if (Array.isArray(value)) return new Date(Number(value[0]) + Number(value[1]) * 1000);
  return new Date(value as string | number);
}

function withoutMetadata(output: Record<string, unknown>): Record<string, unknown> {
  const { $metadata: _ignored, ...rest } = output;
  return rest;
}
