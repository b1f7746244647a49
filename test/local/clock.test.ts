import { SystemClock } from '../../local/clock';

/** The wall clock that settling can jump forward. */
describe('SystemClock', () => {
  let clock: SystemClock;
  beforeEach(() => {
    clock = new SystemClock();
  });
  afterEach(() => clock.stop());

  it('runs a timer set after a warp on time, not after the real delay the warp skipped', async () => {
    // Prepare: a timer a minute away is armed, then skipped by a warp (as settling does); another
    // one, further away, stays scheduled.
    let skipped = false;
    clock.after(60_000, () => (skipped = true));
    clock.after(120_000, () => undefined);
    expect(clock.warp()).toBe(true);
    expect(skipped).toBe(true);

    // Act: a short timer afterwards.
    const started = Date.now();
    const fired = new Promise<number>((resolve) => clock.after(20, () => resolve(Date.now() - started)));
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 5_000).unref());

    // Assess: it fires in about its 20 ms (before the fix it waited for the stale minute-long Node timer).
    expect(await Promise.race([fired, deadline])).not.toBe('late');
  });

  it('keeps the time skipped by a warp', () => {
    // Read before the timer is set: the warp lands on the timer's due time, 1 h after it was set, and
    // a millisecond may tick between setting it and a later read.
    const before = clock.now();
    clock.after(3_600_000, () => undefined);
    clock.warp();
    expect(clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
  });
});
