import { CloudFormationClient, ListStacksCommand, type StackSummary } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputsFile } from '../../local/assembly/references';
import { deliveredEntry, orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { ShopClient } from '../../scripts/shop-client';
import { readOutputsFile } from '../../scripts/targets';

/**
 * The unchanged AWS CDK CLI against the local cloud, as a user runs it (issue 13): `npm run local --
 * --no-app` started empty, then `cdk bootstrap`, `cdk deploy --all`, `npm run seed`, an order placed
 * on the deployed bus reaching its final state, `cdk deploy --hotswap` of one changed handler (the
 * new code runs), and `cdk destroy --all` leaving no app stack. Every command is a child process
 * that sees only AWS_ENDPOINT_URL, the region and dummy credentials.
 */
const ROOT = path.join(__dirname, '..', '..');
const STACK_PREFIX = 'Shop-dev-';
/** The handler the hot swap changes, and the line it changes: the audit record gets one more attribute. */
const HOTSWAP_FILE = path.join('functions', 'audit', 'record-event.ts');
const HOTSWAP_ANCHOR = 'recordedAt: new Date().toISOString(),';

interface LocalCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly endpoint: string;
  readonly exited: Promise<number | null>;
}

/** `npm run local -- --no-app --port 0` in its own process group, resolved once it prints `ready <endpoint>`. */
function startLocalCli(): Promise<LocalCli> {
  const child = spawn('npm', ['run', 'local', '--', '--no-app', '--port', '0', '--quiet'], { cwd: ROOT, env: cleanEnv(), detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve({ child, endpoint: match[1]!, exited });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm run local exited with ${code} before ready:\n${out}`)));
  });
}

/** This process's environment without any AWS setting (jest's point DynamoDB at its own DynamoDB Local). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
  return { ...env, ...extra };
}

interface Run {
  readonly output: string;
  readonly ms: number;
}

/** Runs a command to its end; a non-zero exit fails with the command's output. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n(killed after ${options.timeoutMs} ms)`;
      process.kill(-child.pid!, 'SIGKILL');
    }, options.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = `${command} ${args.join(' ')}`;
      if (code === 0) resolve({ output, ms: Date.now() - started });
      else reject(new Error(`${line} exited with ${code}:\n${output.slice(-6000)}`));
    });
  });
}

/** A copy of the app (infra, handlers, lock file; node_modules linked) whose sources a test may change. */
function copyApp(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-e2e-app-'));
  for (const entry of ['cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json', 'infra', 'functions']) {
    fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

/** Waits on the local cloud's settle endpoint (every queue drained, no invocation or stack operation pending). */
async function settle(endpoint: string, timeoutMs = 60_000): Promise<void> {
  const response = await fetch(`${endpoint}/_local/settle?timeoutMs=${timeoutMs}`, { method: 'POST' });
  const result = (await response.json()) as { settled: boolean; pending: unknown };
  if (!result.settled) throw new Error(`the local cloud did not settle within ${timeoutMs} ms: ${JSON.stringify(result.pending)}`);
}

describe('the AWS CDK CLI against the local cloud', () => {
  let local: LocalCli | undefined;
  let shop: ShopClient | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-e2e-'));
  const app = copyApp();
  const times: Record<string, number> = {};

  beforeAll(async () => {
    local = await startLocalCli();
  }, 60_000);

  afterAll(async () => {
    shop?.destroy();
    if (local !== undefined && local.child.exitCode === null) {
      // The whole group: npm, the CLI under it and DynamoDB Local's JVM.
      process.kill(-local.child.pid!, 'SIGINT');
      await local.exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(app, { recursive: true, force: true });
    process.stdout.write(`cdk e2e times (ms): ${JSON.stringify(times)}\n`);
  }, 30_000);

  it('bootstraps, deploys, runs an order, hot-swaps a handler and destroys every stack', async () => {
    const endpoint = local!.endpoint;
    const env = cleanEnv({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const inRoot = { cwd: ROOT, env, timeoutMs: 150_000 };
    const outputsFile = path.join(work, 'out.json');
    const assembly = path.join(work, 'cdk.out');

    // Act: bootstrap and deploy every stack, the project's own cdk.out untouched.
    times['bootstrap'] = (await run('npx', ['cdk', 'bootstrap', 'aws://000000000000/us-east-1', '--output', assembly], inRoot)).ms;
    times['deploy'] = (await run('npx', ['cdk', 'deploy', '--all', '--require-approval', 'never', '--outputs-file', outputsFile, '--output', assembly], inRoot)).ms;
    const seeded = await run('npm', ['run', 'seed', '--', '--outputs', outputsFile], { ...inRoot, timeoutMs: 30_000 });

    // Assess: the outputs name real resources of the local cloud, and an order goes all the way.
    expect(seeded.output).toMatch(/seeded \d+ products into Shop-dev-Inventory-/);
    const outputs: OutputsFile = readOutputsFile(outputsFile, 'cdk deploy --outputs-file');
    expect(Object.keys(outputs).sort()).toEqual(expect.arrayContaining([`${STACK_PREFIX}EventBus`, `${STACK_PREFIX}Orders`, `${STACK_PREFIX}Audit`]));
    shop = new ShopClient(outputs, endpoint);
    const orderOf = async (orderId: string) =>
      (await shop!.dynamo.send(new QueryCommand({ TableName: shop!.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }))).Items?.[0];
    const timelineOf = async (orderId: string) =>
      (await shop!.dynamo.send(new QueryCommand({ TableName: shop!.table('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }))).Items ?? [];

    const orderId = `cdk-e2e-${Date.now().toString(36)}`;
    await shop.put([orderEntry(sampleOrder(orderId, 'delivered'))]);
    await settle(endpoint);
    const shipped = await orderOf(orderId);
    expect(shipped).toMatchObject({ status: 'SHIPPED' });
    await shop.put([deliveredEntry(orderId, String(shipped!['shipmentId']))], 'IntegrationBusName');
    await settle(endpoint);
    expect(await orderOf(orderId)).toMatchObject({ status: 'DELIVERED' });
    const before = await timelineOf(orderId);
    expect(before.length).toBeGreaterThan(0);
    expect(before.some((item) => 'hotswapMarker' in item)).toBe(false);

    // Act: change one handler in a copy of the app and hot-swap its stack alone.
    const marker = `hotswap-${Date.now().toString(36)}`;
    const handlerFile = path.join(app, HOTSWAP_FILE);
    const source = fs.readFileSync(handlerFile, 'utf8');
    if (!source.includes(HOTSWAP_ANCHOR)) throw new Error(`${HOTSWAP_FILE} no longer has the line this test changes: ${HOTSWAP_ANCHOR}`);
    fs.writeFileSync(handlerFile, source.replace(HOTSWAP_ANCHOR, `${HOTSWAP_ANCHOR} hotswapMarker: '${marker}',`));
    const functionName = outputs[`${STACK_PREFIX}Audit`]?.['RecordEventFunctionName'];
    expect(functionName).toBeDefined();
    const hotswapStarted = Date.now();
    const hotswap = await run('npx', ['cdk', 'deploy', '--hotswap', '--exclusively', `${STACK_PREFIX}Audit`, '--require-approval', 'never', '--output', path.join(work, 'hotswap.out')], { ...inRoot, cwd: app });
    const secondOrder = `${orderId}-after`;
    await shop.put([orderEntry(sampleOrder(secondOrder, 'out-of-stock'))]);
    await settle(endpoint);
    const after = await timelineOf(secondOrder);
    times['hotswap'] = Date.now() - hotswapStarted;

    // Assess: the function was swapped (no CloudFormation update) and the new code wrote every record since.
    expect(hotswap.output).toMatch(/hotswapping resources/);
    expect(hotswap.output).toMatch(/Shop-dev-Audit-RecordEventFunction/);
    const configuration = await shop.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(configuration.LastUpdateStatus).toBe('Successful');
    expect(await orderOf(secondOrder)).toMatchObject({ status: 'CANCELLED' });
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((item) => item['hotswapMarker'] === marker)).toBe(true);

    // Act: destroy every app stack.
    times['destroy'] = (await run('npx', ['cdk', 'destroy', '--all', '--force', '--output', assembly], inRoot)).ms;

    // Assess: no app stack is left; only the bootstrap stack, which destroy --all does not own.
    const cloudFormation = new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const stacks: StackSummary[] = [];
    let token: string | undefined;
    do {
      const page = await cloudFormation.send(new ListStacksCommand({ ...(token === undefined ? {} : { NextToken: token }) }));
      stacks.push(...(page.StackSummaries ?? []));
      token = page.NextToken;
    } while (token !== undefined);
    cloudFormation.destroy();
    const appStacks = stacks.filter((stack) => stack.StackName?.startsWith(STACK_PREFIX));
    expect(appStacks.length).toBeGreaterThanOrEqual(7);
    expect(appStacks.filter((stack) => stack.StackStatus !== 'DELETE_COMPLETE').map((stack) => `${stack.StackName} ${stack.StackStatus}`)).toEqual([]);
    expect(stacks.filter((stack) => stack.StackStatus !== 'DELETE_COMPLETE').map((stack) => stack.StackName)).toEqual(['CDKToolkit']);
  }, 420_000);
});
