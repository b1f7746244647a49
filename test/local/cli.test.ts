import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Starts `npm run local` as a user would and resolves with its endpoint once it prints `ready`. */
function startLocal(args: string[]) {
  // The command behind `npm run local`, without npm in between, so the signal reaches it as from a terminal.
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

describe('npm run local', () => {
  it('prints ready with its endpoint, answers health, and stops cleanly on SIGTERM', async () => {
    // Act
    const local = startLocal(['--port', '0', '--no-app']);
    const endpoint = await local.ready;

    // Assess: every API a deployment uses is served, DynamoDB included, without an app.
    const health = await fetch(`${endpoint}/_local/health`);
    expect(await health.json()).toMatchObject({ services: { events: 'running', sqs: 'running', lambda: 'running', dynamodb: 'running', sts: 'running', ssm: 'running' } });
    const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const dynamodb = new DynamoDBClient(config);
    const sts = new STSClient(config);
    const ssm = new SSMClient(config);
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    await ssm.send(new PutParameterCommand({ Name: '/cli/test', Value: 'v', Type: 'String' }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/cli/test' }))).Parameter?.Value).toBe('v');
    for (const client of [dynamodb, sts, ssm]) client.destroy();
    local.child.kill('SIGTERM');
    expect(await local.exited).toBe(0);
    await expect(fetch(`${endpoint}/_local/health`)).rejects.toThrow();
  }, 30_000);

  it('refuses a bad port with a message naming it', async () => {
    const local = startLocal(['--port', 'eighty', '--no-app']);
    await expect(local.ready).rejects.toThrow(/exited with 1/);
  }, 30_000);

  it('injects the faults it is given, seeded, and counts them when it stops', async () => {
    // Prepare: every PutEvents entry fails, from an inline configuration.
    const local = startLocal(['--port', '0', '--no-app', '--faults', '{"putEventsFailure":1}', '--seed', '7']);
    let stderr = '';
    local.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const endpoint = await local.ready;
    const events = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    // Act
    const result = await events.send(new PutEventsCommand({ Entries: [{ Source: 'test', DetailType: 'T', Detail: '{}' }, { Source: 'test', DetailType: 'T', Detail: '{}' }] }));
    events.destroy();
    local.child.kill('SIGTERM');
    await local.exited;

    // Assess
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode)).toEqual(['InternalFailure', 'InternalFailure']);
    expect(stderr).toMatch(/faults injected: 2 .*"putEventsFailure":2/);
    // The stop summary says what handlers emitted as metrics (none here: no app).
    expect(stderr).toMatch(/^metrics: +none emitted/m);
  }, 30_000);

  it('refuses a fault configuration with a rate out of range, naming it', async () => {
    const local = startLocal(['--port', '0', '--no-app', '--faults', '{"dynamodbThrottle":2}']);
    let stderr = '';
    local.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await expect(local.ready).rejects.toThrow(/exited with 1/);
    expect(stderr).toMatch(/dynamodbThrottle/);
  }, 30_000);
});
