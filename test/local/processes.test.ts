import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JavaMissingError, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local';

const ROOT = path.join(__dirname, '..', '..');
/** Processes whose command line mentions this text. */
const processesMatching = (text: string) => execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));

describe('the local cloud\'s child processes', () => {
  /** A `npm run local` still running when a test ends (it failed before stopping it): its process group is stopped, so jest can exit. */
  let running: ReturnType<typeof spawn> | undefined;
  afterEach(() => {
    if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) process.kill(-running.pid, 'SIGKILL');
    running = undefined;
  });

  it('deploys the app with `npm run local`, writes the outputs file, and leaves no process behind on SIGTERM', async () => {
    // Prepare
    const outputs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'local-outputs-')), 'outputs.json');
    const child = (running = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/cli.ts', '--port', '0', '--quiet', '--app', process.env['TEST_ASSEMBLY']!, '--outputs-file', outputs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true }));
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /^ready (\S+)$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });

    // Act + Assess
    const written = JSON.parse(fs.readFileSync(outputs, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(written)).toContain('Shop-dev-Orders');
    const health = (await (await fetch(`${endpoint}/_local/health`)).json()) as { services: Record<string, string> };
    expect(Object.keys(health.services).sort()).toEqual(['cloudformation', 'dynamodb', 'events', 'lambda', 'logs', 's3', 'sqs', 'ssm', 'sts']);
    const port = new URL(endpoint).port;
    expect(processesMatching('DynamoDBLocal.jar').length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/_local/health`)).rejects.toThrow();
    expect(processesMatching(outputs)).toEqual([]);
  }, 60_000);

  it('says how to install Java when there is none', async () => {
    const java = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'no-java-')), 'java');
    await expect(startDynamoDbLocal({ java })).rejects.toThrow(JavaMissingError);
    await expect(startDynamoDbLocal({ java })).rejects.toThrow(/apt-get install openjdk-17-jre-headless/);
  });

  it('ends DynamoDB Local when its parent is killed outright', async () => {
    // A parent process (one node process, no wrapper) that starts DynamoDB Local, prints its port, and is SIGKILLed.
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parent-')), 'parent.ts');
    fs.writeFileSync(script, `import { startDynamoDbLocal } from ${JSON.stringify(path.join(ROOT, 'local', 'dynamodb', 'dynamodb-local'))};\nstartDynamoDbLocal().then((d) => console.log('port ' + d.port));\n`);
    const parent = spawn(process.execPath, ['--require', 'tsx/cjs', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      parent.stdout.on('data', (c: Buffer) => {
        const match = /port (\d+)/.exec(c.toString());
        if (match) resolve(match[1]!);
      });
      parent.once('exit', (code) => reject(new Error(`parent exited ${code}`)));
    });
    const marker = `-port ${port}`;
    expect(processesMatching(marker).length).toBeGreaterThan(0);
    parent.kill('SIGKILL');
    // Waits on the condition: the watchdog sees its stdin close and ends Java (bounded, no fixed sleep).
    for (let i = 0; i < 300 && processesMatching(marker).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(processesMatching(marker)).toEqual([]);
  }, 60_000);
});
