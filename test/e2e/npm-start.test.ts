import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');

import { targetName } from './support/target';

/** `npm start` as a user runs it on a fresh clone: synthesize, boot, run every path, summarize, exit 0. */
(targetName() === 'local' ? describe : describe.skip)('npm start (local cloud only)', () => {
  it('runs the sample orders through every path and reports them', async () => {
    const { stdout } = await promisify(execFile)('npm', ['start', '--silent'], { cwd: ROOT, timeout: 180_000 });
    expect(stdout).toContain('Every order reached the state its path leads to.');
    expect(stdout).toMatch(/DELIVERED\s+5/);
    expect(stdout).toMatch(/CANCELLED\s+4/);
    expect(stdout).toMatch(/RecordOrderDeadLetterQueue\s+1/);
    expect(stdout).toMatch(/StockReleased\s+3/);
    // Only events are counted: the audit table's record of its parked poison event is not one.
    expect(stdout).not.toMatch(/undefined\s+\d/);
    // Then the flight recorder's trace of the declined order: its compensation path, in the order it ran.
    const trace = stdout.slice(stdout.indexOf('as the flight recorder saw it'));
    expect(trace).toMatch(/^Order ord-\S+: CANCELLED \(PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED\)$/m);
    const steps = ['OrderPlaced', 'StockReserved', 'PaymentDeclined', 'StockReleased'].map((type) => trace.indexOf(` ${type} `));
    expect(steps.every((at) => at > 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // Settled, so nothing of this order is still in flight (the other orders of its batches are not its story).
    expect(trace).not.toMatch(/in flight|not published yet/);
  }, 200_000);
});
