import fc from 'fast-check';
import { nextFire, parseSchedule } from '../../local/eventbridge/schedule';

/** Schedule expressions as EventBridge reads them, and when they fire (UTC, whole minutes for cron). */
describe('parseSchedule', () => {
  it('takes a positive rate with the unit in the singular for 1 and the plural otherwise', () => {
    expect(parseSchedule('rate(1 minute)')).toEqual({ kind: 'rate', everyMs: 60_000 });
    expect(parseSchedule('rate(5 hours)')).toEqual({ kind: 'rate', everyMs: 5 * 3_600_000 });
    for (const bad of ['rate(1 minutes)', 'rate(10 minute)', 'rate(0 minutes)', 'rate(10 MINUTES)', 'rate( 10 minutes )', 'rate(10 seconds)']) {
      expect(() => parseSchedule(bad)).toThrow('Parameter ScheduleExpression is not valid.');
    }
  });

  it('takes six cron fields with exactly one day field left to the other (?)', () => {
    for (const good of ['cron(0 2 ? * SAT#3 *)', 'cron(15 10 ? * 6L 2002-2005)', 'cron(0/5 8-17 ? * MON-FRI *)', 'cron(5,35 14 * * ? *)', 'cron(0 8 LW * ? *)']) {
      expect(parseSchedule(good).kind).toBe('cron');
    }
    for (const bad of ['cron(0 1 * * * *)', 'cron(0 1 ? * ? *)', 'cron(71 8 1 * ? *)', 'cron(0 dummy ? * MON-FRI *)', 'cron(INVALID)']) {
      expect(() => parseSchedule(bad)).toThrow('Parameter ScheduleExpression is not valid.');
    }
  });
});

describe('nextFire', () => {
  const at = (iso: string) => Date.parse(iso);

  it('finds named days: the third Saturday, the last Friday, weekdays only', () => {
    expect(new Date(nextFire(parseSchedule('cron(0 2 ? * SAT#3 *)'), at('2026-11-01T00:00:00Z'))!).toISOString()).toBe('2026-11-21T02:00:00.000Z');
    expect(new Date(nextFire(parseSchedule('cron(15 10 ? * 6L *)'), at('2026-11-01T00:00:00Z'))!).toISOString()).toBe('2026-11-27T10:15:00.000Z');
    expect(new Date(nextFire(parseSchedule('cron(0 9 ? * MON-FRI *)'), at('2026-11-27T09:00:00Z'))!).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(nextFire(parseSchedule('cron(15 10 ? * 6L 2002-2005)'), at('2026-11-01T00:00:00Z'))).toBeUndefined();
  });

  it('is the first whole minute after the given time whose minute and hour the expression names', () => {
    const field = fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 4 });
    const hours = fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 });
    const after = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') });
    fc.assert(
      fc.property(field, hours, after, (minutes, hourList, from) => {
        const schedule = parseSchedule(`cron(${minutes.join(',')} ${hourList.join(',')} * * ? *)`);
        const next = nextFire(schedule, from)!;
        expect(next).toBeGreaterThan(from);
        expect(next % 60_000).toBe(0);
        const matches = (ms: number) => minutes.includes(new Date(ms).getUTCMinutes()) && hourList.includes(new Date(ms).getUTCHours());
        expect(matches(next)).toBe(true);
        // No whole minute in between matches (at most a day apart: every hour list repeats daily).
        for (let ms = Math.floor(from / 60_000) * 60_000 + 60_000; ms < next; ms += 60_000) expect(matches(ms)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});
