import { Faults } from '../../local/faults/faults';

/** Draws n handler faults for one function from a fault set. */
const draws = (faults: Faults, n: number) => Array.from({ length: n }, () => faults.handlerFault('Shop-dev-Orders-UpdateOrderStatus'));

describe('handler faults', () => {
  it('are the same for the same seed, and a timeout or crash strikes at a point of the handler\'s work', () => {
    // Prepare
    const config = { seed: 7, handlers: { handlerTimeout: 0.2, sandboxCrash: 0.2, handlerError: 0.2 } };

    // Act
    const first = draws(new Faults(config), 500);
    const second = draws(new Faults(config), 500);
    const other = draws(new Faults({ ...config, seed: 8 }), 500);

    // Assess
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    const midway = first.filter((f) => typeof f === 'object');
    expect(new Set(midway.map((f) => f.kind))).toEqual(new Set(['timeout', 'crash']));
    // The points spread over the handler's requests, before and once sent, not all before the work starts.
    expect(new Set(midway.map((f) => `${f.request} ${f.when}`))).toEqual(new Set(Array.from({ length: 16 }, (_, i) => `${Math.floor(i / 2) + 1} ${i % 2 === 0 ? 'before-send' : 'once-sent'}`)));
    expect(first.filter((f) => f === 'error').length).toBeGreaterThan(0);
  });

  it('honour a per-function override', () => {
    const faults = new Faults({ seed: 1, handlers: { handlerError: 1, perFunction: { Audit: { handlerError: 0 } } } });
    expect(faults.handlerFault('Shop-dev-Audit-RecordEvent')).toBeUndefined();
    expect(faults.handlerFault('Shop-dev-Orders-RecordOrder')).toBe('error');
    expect(faults.counts.handlerError).toBe(1);
    // Counted per function struck, so a run can say which functions (a relay, a handler) met faults.
    expect(faults.byFunction).toEqual({ 'Shop-dev-Orders-RecordOrder': 1 });
  });
});
