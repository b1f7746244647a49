import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run chaos` with a small n under the default fault mix: every invariant holds. */
describe('npm run chaos', () => {
  it('places orders under faults and finds nothing lost, nothing done twice, stock conserved', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'chaos', '--', '--orders', '40', '--seed', '3', '--json'], { cwd: ROOT, timeout: 300_000, maxBuffer: 10_000_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(Object.keys(result).sort()).toEqual(['conservationErrors', 'duplicateEffects', 'faultsByKind', 'faultsInjected', 'final', 'inDlq', 'lost', 'orders', 'provider', 'relayFaults', 'republished', 'seconds'].sort());
    expect(result).toMatchObject({ orders: 40, lost: 0, duplicateEffects: 0, conservationErrors: 0 });
    expect(result['final']! + result['inDlq']!).toBe(40);
    expect(result['faultsInjected']).toBeGreaterThan(0);
  }, 320_000);

  it('finds nothing lost nor done twice when sandboxes crash and time out at any request of the handlers\' and the relays\' work', async () => {
    // A handler's crash after its write leaves the events in the outbox for the relay; a relay's crash
    // after its PutEvents, before it answers, has the batch published again (same event ids). A relay
    // makes a PutEvents per record and a batch holds few, so most of its strike points (one of its first
    // 8 requests, else when it finishes) fall after its PutEvents: this mix strikes there often.
    const faults = JSON.stringify({ handlers: { sandboxCrash: 0.25, handlerTimeout: 0.02 } });
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'chaos', '--', '--orders', '40', '--seed', '3', '--json', '--faults', faults], { cwd: ROOT, timeout: 300_000, maxBuffer: 10_000_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(result).toMatchObject({ orders: 40, lost: 0, duplicateEffects: 0, conservationErrors: 0 });
    expect(result['final']! + result['inDlq']!).toBe(40);
    expect(result['faultsInjected']).toBeGreaterThan(40);
    expect(result['relayFaults']).toBeGreaterThan(0);
    // Some struck after their PutEvents: their events went out twice, and were still done once.
    expect(result['republished']).toBeGreaterThan(0);
  }, 320_000);

  it('takes the payment provider down for half an hour under the default faults: orders wait, none in a DLQ, all complete', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'chaos', '--', '--orders', '40', '--seed', '3', '--json', '--provider-outage', '1800'], { cwd: ROOT, timeout: 300_000, maxBuffer: 10_000_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { provider: { unavailable: number; breaker: { opened: number; closed: number; state: string } } } & Record<string, unknown>;
    expect(result).toMatchObject({ orders: 40, final: 40, inDlq: 0, lost: 0, duplicateEffects: 0, conservationErrors: 0 });
    // The breaker opened, its probes failed while the outage lasted (one cool-down is 30 s), and one closed it.
    expect(result.provider.unavailable).toBeGreaterThan(0);
    expect(result.provider.breaker.opened).toBeGreaterThan(2);
    expect(result.provider.breaker).toMatchObject({ closed: 1, state: 'closed' });
  }, 320_000);
});
