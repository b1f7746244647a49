import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createServiceTable, queryPartition } from '../support/tables';

/** `npm run invoke` runs the real bundled handler from a cloud assembly against DynamoDB Local. */
const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);
let assembly: string;
let table: string;

beforeAll(async () => {
  // Prepare: the run's bundled cloud assembly (esbuild, as `cdk synth` does) and the notifications table.
  assembly = process.env['TEST_ASSEMBLY']!;
  table = await createServiceTable('notifications');
});

async function invoke(...args: string[]) {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/invoke.ts', ...args, '--assembly', assembly, '--endpoint', process.env['DYNAMODB_TEST_ENDPOINT']!], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run invoke', () => {
  it('runs a bundled handler with a test event and prints its prefixed JSON logs and response', async () => {
    // Act
    const result = await invoke('SendNotification', 'test/events/shop.orders/order-status-changed-placed.json', '--env', `TABLE_NAME=${table}`);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
    const logLine = result.stderr.split('\n').find((line) => line.startsWith('[SendNotification] {'));
    expect(JSON.parse(logLine!.slice('[SendNotification] '.length))).toMatchObject({ message: 'notification', correlationId: 'ord-1001', cold_start: true });
    expect(await queryPartition(table, 'ORDER#ord-1001')).toHaveLength(1);
  });

  it('resolves table names from a `cdk deploy --outputs-file` file', async () => {
    const outputs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-')), 'outputs.json');
    fs.writeFileSync(outputs, JSON.stringify({ 'Shop-dev-Notifications': { NotificationsTableName: table } }));
    const result = await invoke('send-notification', 'test/events/shop.orders/order-status-changed-cancelled.json', '--outputs', outputs);
    expect(result.code).toBe(0);
    expect(await queryPartition(table, 'ORDER#ord-1002')).toHaveLength(1);
  });

  it('reports an invalid event as a batch item failure with its reason in the logs', async () => {
    const result = await invoke('SendNotification', 'test/events/invalid/order-placed-wrong-types.json', '--env', `TABLE_NAME=${table}`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).batchItemFailures).toHaveLength(1);
    expect(result.stderr).toContain('unexpected event shop.orders/OrderPlaced for this consumer');
  });

  it('names the functions it knows when the name matches none', async () => {
    const result = await invoke('NoSuchFunction', 'test/events/shop.orders/order-placed.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no function named "NoSuchFunction"; the app has: OrdersRelay, RecordOrder, UpdateOrderStatus, InventoryRelay, ReserveStock');
  });
});
