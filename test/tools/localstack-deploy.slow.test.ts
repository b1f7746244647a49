import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../local/dynamodb/dynamodb-local';
import { readProducts } from '../../scripts/seed-products';
import { readOutputsFile } from '../../scripts/targets';

const ROOT = path.join(__dirname, '..', '..');
const DEPLOY_MS = 480_000;

/**
 * `npm run localstack:deploy` as a user runs it (the real script, the real CDK CLI), against the local
 * cloud standing in at the endpoint: this checks our script and the CLI's endpoint handling, not
 * LocalStack (no Docker here). test/e2e/cdk-deploy.slow.test.ts covers the CLI's deploy itself.
 */
describe('npm run localstack:deploy against an endpoint', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'localstack-deploy-'));
  const outputsFile = path.join(work, 'outputs.json');
  // Its own cloud assembly, so it never races other runs over cdk.out.
  const assembly = path.join(work, 'cdk.out');
  let cloud: ChildProcess;
  let endpoint: string;
  let client: { cfn: CloudFormationClient; dynamo: DynamoDBClient };

  beforeAll(async () => {
    const port = await freePort();
    // Its own process group, so stopping it stops npm, tsx and the cloud together.
    cloud = spawn('npm', ['run', 'local', '--', '--no-app', '--quiet', '--port', String(port)], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    endpoint = await readyEndpoint(cloud);
    const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    client = { cfn: new CloudFormationClient(config), dynamo: new DynamoDBClient(config) };
  }, 60_000);

  afterAll(async () => {
    client?.cfn.destroy();
    client?.dynamo.destroy();
    if (cloud?.pid !== undefined && cloud.exitCode === null) {
      const exited = new Promise((resolve) => cloud.once('exit', resolve));
      process.kill(-cloud.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('bootstraps and deploys every stack with the plain CDK CLI, writes the outputs and loads the catalog', async () => {
    // Act
    const run = await runScript(['run', 'localstack:deploy', '--', '--endpoint', endpoint, '--outputs-file', outputsFile, '--output', assembly]);

    // Assess
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain(`$ AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 npx cdk bootstrap`);
    expect(run.stderr).toContain(`$ AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 npx cdk deploy --all --require-approval never --outputs-file ${outputsFile}`);
    const stacks = Object.keys(readOutputsFile(outputsFile, 'npm run localstack:deploy'));
    expect(stacks).toContain('Shop-dev-EventBus');
    for (const name of stacks) {
      const { Stacks = [] } = await client.cfn.send(new DescribeStacksCommand({ StackName: name }));
      expect({ name, status: Stacks[0]?.StackStatus }).toEqual({ name, status: 'CREATE_COMPLETE' });
    }
    const inventory = readOutputsFile(outputsFile, 'x')['Shop-dev-Inventory']?.['InventoryTableName'];
    const { Count } = await client.dynamo.send(new ScanCommand({ TableName: inventory, Select: 'COUNT' }));
    expect(Count).toBe(readProducts(path.join(ROOT, 'data', 'products.json')).length);

    // Cleanup, asserted: the same endpoint settings destroy what was deployed.
    const destroy = await runCli(['cdk', 'destroy', '--all', '--force', '--output', assembly], endpoint);
    expect(destroy).toMatchObject({ code: 0 });
    await expect(client.cfn.send(new DescribeStacksCommand({ StackName: 'Shop-dev-EventBus' }))).rejects.toThrow('does not exist');
  }, DEPLOY_MS + 120_000);
});

type Run = { code: number; stderr: string };

function runScript(args: string[]): Promise<Run> {
  return settle(promisify(execFile)('npm', args, { cwd: ROOT, timeout: DEPLOY_MS, maxBuffer: 64 * 1024 * 1024 }));
}

function runCli(args: string[], endpoint: string): Promise<Run> {
  const env = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  return settle(promisify(execFile)('npx', args, { cwd: ROOT, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }));
}

async function settle(run: Promise<{ stderr: string }>): Promise<Run> {
  return run.then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code?: number; stderr?: string; message: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? error.message }),
  );
}

/** The endpoint the local cloud prints once it accepts requests (`ready <endpoint>`), or why it did not start. */
function readyEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(seen);
      if (ready !== null) resolve(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`npm run local exited (${code}) before it was ready: ${seen}`)));
  });
}
