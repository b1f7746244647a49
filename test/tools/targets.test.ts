import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { freePort } from '../../local/dynamodb/dynamodb-local';
import { startLocalCloud } from '../../local/cloud';
import { eventually } from '../../scripts/poll';
import { readOutputsFile, targetFromEnv, targetSettings } from '../../scripts/targets';
import { applyCdkEnvironment, cdkEnvironment, describeCommand } from '../../scripts/localstack-endpoint';

const ROOT = path.join(__dirname, '..', '..');

/** What runs without Docker or AWS of the LocalStack and AWS paths: the switch, the readers, the waits, the scripts' refusals. */
describe('target switch', () => {
  it('defaults to the local cloud and names the choices on a wrong value', () => {
    expect(targetFromEnv(undefined)).toBe('local');
    expect(targetFromEnv('aws')).toBe('aws');
    expect(() => targetFromEnv('staging')).toThrow('PIPELINE_TARGET must be local, localstack or aws, got "staging"');
  });

  it('knows where each target keeps its outputs and how to start it', () => {
    expect(targetSettings('localstack', '/p')).toMatchObject({ endpoint: 'http://127.0.0.1:4566', outputsFile: '/p/.localstack/cdk-outputs.json' });
    expect(targetSettings('aws', '/p')).toMatchObject({ endpoint: undefined, outputsFile: '/p/cdk-outputs.json' });
    expect(targetSettings('local', '/p').outputsFile).toBe('/p/.local/cdk-outputs.json');
  });
});

describe('outputs file reader', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outputs-'));
  it('reads the cdk deploy --outputs-file format', () => {
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, JSON.stringify({ 'Shop-dev-Orders': { OrdersTableName: 't' } }));
    expect(readOutputsFile(file, 'npm run deploy')).toEqual({ 'Shop-dev-Orders': { OrdersTableName: 't' } });
  });
  it('says how to deploy when the file is missing, and what is wrong when it is malformed', () => {
    expect(() => readOutputsFile(path.join(dir, 'none.json'), 'npm run deploy')).toThrow(/no stack outputs at .*none\.json: deploy first \(npm run deploy\)/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ stack: { key: 42 } }));
    expect(() => readOutputsFile(bad, 'x')).toThrow('is not a cdk deploy --outputs-file file');
  });
});

describe('polling with a deadline and backoff', () => {
  it('retries a failing assertion with doubling delays until it passes', async () => {
    let now = 0;
    const delays: number[] = [];
    let calls = 0;
    const attempts = await eventually(async () => void (++calls < 4 && fail()), { deadlineMs: 10_000, firstDelayMs: 100, now: () => now, sleep: async (ms) => void (delays.push(ms), (now += ms)) });
    expect(attempts).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('fails at the deadline with the last failure', async () => {
    let now = 0;
    await expect(eventually(async () => fail('order ord-1 is PLACED'), { deadlineMs: 1000, firstDelayMs: 300, now: () => now, sleep: async (ms) => void (now += ms) })).rejects.toThrow(
      /still failing after 4 attempts in 1000 ms: order ord-1 is PLACED/,
    );
  });
});

function fail(message = 'not yet'): never {
  throw new Error(message);
}

describe('docker-compose.yml for LocalStack', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: { localstack: { image: string; ports: string[]; environment: Record<string, string>; volumes: string[] } } };
  const localstack = compose.services.localstack;

  it('pins 4.14.0 (the last image that starts without a token), a newer one only by choice with a token passed through', () => {
    expect(localstack.image).toBe('${LOCALSTACK_IMAGE:-localstack/localstack:4.14.0}');
    expect(localstack.environment['LOCALSTACK_AUTH_TOKEN']).toBe('${LOCALSTACK_AUTH_TOKEN:-}');
  });

  it('runs only the services the app needs', () => {
    expect(localstack.environment['SERVICES']!.split(',').sort()).toEqual(['cloudformation', 'dynamodb', 'events', 'iam', 'lambda', 'logs', 's3', 'sqs', 'ssm', 'sts']);
  });

  it('runs nodejs22.x arm64 functions in Docker, reachable on the compose network, and binds to 127.0.0.1', () => {
    expect(localstack.environment).toMatchObject({ LAMBDA_RUNTIME_EXECUTOR: 'docker', LAMBDA_IGNORE_ARCHITECTURE: '1', LAMBDA_DOCKER_NETWORK: 'shop-localstack' });
    expect(localstack.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(localstack.ports).toEqual(['127.0.0.1:4566:4566']);
  });
});

describe('scripts facing an unreachable target', () => {
  const run = (script: string, args: string[], env: Record<string, string>) =>
    promisify(execFile)('npx', ['tsx', script, ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it('test:localstack stops with how to start LocalStack when nothing listens', async () => {
    const result = await run('scripts/test-target.ts', ['localstack'], { LOCALSTACK_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LocalStack is not reachable at http://127.0.0.1:');
    expect(result.stderr).toContain('npm run localstack:up && npm run localstack:deploy');
  });

  it('test:localstack tells the local cloud apart from LocalStack', async () => {
    const cloud = await startLocalCloud({ port: 0 });
    try {
      const result = await run('scripts/test-target.ts', ['localstack'], { LOCALSTACK_ENDPOINT: cloud.endpoint });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/answered 4\d\d: this is not LocalStack/);
    } finally {
      await cloud.stop();
    }
  });

  it('localstack:deploy refuses to start without LocalStack, saying how to start it (token included)', async () => {
    const result = await run('scripts/localstack-deploy.ts', [], { LOCALSTACK_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/localstack:deploy: LocalStack is not reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(result.stderr).toContain('npm run localstack:up (localstack/localstack:4.14.0');
    expect(result.stderr).toContain('LOCALSTACK_AUTH_TOKEN');
  });

  it('localstack:deploy takes --endpoint over LOCALSTACK_ENDPOINT and names a bad one', async () => {
    const port = await freePort();
    const chosen = await run('scripts/localstack-deploy.ts', ['--endpoint', `http://127.0.0.1:${port}`], { LOCALSTACK_ENDPOINT: 'http://127.0.0.1:1' });
    expect(chosen.stderr).toContain(`not reachable at http://127.0.0.1:${port} `);
    const bad = await run('scripts/localstack-deploy.ts', ['--endpoint', 'localhost:4566'], {});
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('--endpoint must be an http(s) URL, got "localhost:4566"');
  });

  it('test:aws stops with how to configure AWS when AWS cannot be reached', async () => {
    const result = await run('scripts/test-target.ts', ['aws'], {
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${await freePort()}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AWS is not reachable with the current credentials');
    expect(result.stderr).toContain('npx cdk bootstrap && npm run deploy');
  });
});

describe('the CDK CLI pointed at LocalStack (localstack:deploy)', () => {
  it('sets AWS_ENDPOINT_URL, and S3 on LocalStack\'s virtual-host name only', () => {
    expect(cdkEnvironment('http://127.0.0.1:4566', {}).set).toEqual({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    expect(cdkEnvironment('http://localhost.localstack.cloud:4566/', {}).set).toMatchObject({ AWS_ENDPOINT_URL: 'http://localhost.localstack.cloud:4566', AWS_ENDPOINT_URL_S3: 'http://s3.localhost.localstack.cloud:4566' });
    expect(cdkEnvironment('http://localhost.localstack.cloud:4566', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' }).set).toMatchObject({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' });
  });

  it('never lets a profile, a session or another service endpoint reach the CLI', () => {
    const env = applyCdkEnvironment(cdkEnvironment('http://127.0.0.1:4566', {}), { AWS_PROFILE: 'prod', AWS_SESSION_TOKEN: 's', AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://elsewhere', PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });

  it('prints the command with the endpoint settings, never the credentials', () => {
    expect(describeCommand(cdkEnvironment('http://127.0.0.1:4566', {}), ['npx', 'cdk', 'bootstrap'])).toBe('AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 npx cdk bootstrap');
  });
});
