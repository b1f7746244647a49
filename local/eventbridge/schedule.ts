import { EventsErrors } from './errors';

/** A rule's schedule: a fixed rate, or a cron expression in EventBridge's six fields (UTC). */
export type Schedule = { readonly kind: 'rate'; readonly everyMs: number } | { readonly kind: 'cron'; readonly cron: Cron };

interface Cron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  /** Day of the month, or undefined when it is `?` (the day of the week decides). */
  readonly dayOfMonth?: (date: Date) => boolean;
  /** Day of the week, or undefined when it is `?`. */
  readonly dayOfWeek?: (date: Date) => boolean;
}

const invalid = () => EventsErrors.validation('Parameter ScheduleExpression is not valid.');

const RATE_UNITS: Readonly<Record<string, number>> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Parses `rate(value unit)` or `cron(minutes hours day-of-month month day-of-week year)`, or throws
 * AWS's ValidationException "Parameter ScheduleExpression is not valid." (recorded on AWS:
 * test_events_schedule.py). A rate is a positive whole number and a unit in the singular for 1
 * (`rate(1 minute)`) and the plural otherwise, nothing else, no extra spaces. Exactly one of the two
 * day fields of a cron expression is `?`.
 */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    const unitMs = RATE_UNITS[unit];
    if (unitMs === undefined || value < 1 || (value === 1) !== !unit.endsWith('s')) throw invalid();
    return { kind: 'rate', everyMs: value * unitMs };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron === null) throw invalid();
  const fields = cron[1]!.split(' ');
  if (fields.length !== 6) throw invalid();
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw invalid();
  return {
    kind: 'cron',
    cron: {
      minutes: numbers(minutes, 0, 59),
      hours: numbers(hours, 0, 23),
      months: numbers(month, 1, 12, MONTHS, 1),
      years: numbers(year, 1970, 2199),
      ...(dayOfMonth === '?' ? {} : { dayOfMonth: daysOfMonth(dayOfMonth) }),
      ...(dayOfWeek === '?' ? {} : { dayOfWeek: daysOfWeek(dayOfWeek) }),
    },
  };
}

/** When a schedule next fires strictly after `afterMs`, on whole minutes for cron; undefined if never. */
export function nextFire(schedule: Schedule, afterMs: number): number | undefined {
  if (schedule.kind === 'rate') return afterMs + schedule.everyMs;
  const { cron } = schedule;
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const lastYear = Math.max(...cron.years);
  for (let day = 0; day < 366 * 30; day++) {
    const date = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + day));
    if (date.getUTCFullYear() > lastYear) return undefined;
    if (!cron.years.has(date.getUTCFullYear()) || !cron.months.has(date.getUTCMonth() + 1)) continue;
    if (!(cron.dayOfMonth?.(date) ?? true) || !(cron.dayOfWeek?.(date) ?? true)) continue;
    for (const hour of [...cron.hours].sort((a, b) => a - b)) {
      for (const minute of [...cron.minutes].sort((a, b) => a - b)) {
        const at = date.getTime() + hour * 3_600_000 + minute * 60_000;
        if (at >= start.getTime()) return at;
      }
    }
  }
  return undefined;
}

/** A field of comma-separated items: `*`, a value, a range `a-b`, each optionally `/step`. */
function numbers(field: string, min: number, max: number, names: readonly string[] = [], firstName = min): Set<number> {
  const value = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    const number = named >= 0 ? named + firstName : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(number >= min && number <= max)) throw invalid();
    return number;
  };
  const result = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || range === undefined) throw invalid();
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid();
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === undefined || b === undefined) throw invalid();
      [from, to] = [value(a), value(b)];
    } else [from, to] = [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) result.add(n);
  }
  return result;
}

function lastDayOfMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** Day of the month: numbers, `L` (the last day), `nW` (the weekday nearest day n), `LW`. */
function daysOfMonth(field: string): (date: Date) => boolean {
  if (field === 'L') return (date) => date.getUTCDate() === lastDayOfMonth(date);
  if (field === 'LW') return (date) => date.getUTCDate() === nearestWeekday(date, lastDayOfMonth(date));
  const weekday = /^(\d+)W$/.exec(field);
  if (weekday !== null) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) throw invalid();
    return (date) => date.getUTCDate() === nearestWeekday(date, Math.min(day, lastDayOfMonth(date)));
  }
  const days = numbers(field, 1, 31);
  return (date) => days.has(date.getUTCDate());
}

/** The weekday (Monday to Friday) nearest to `day` of the date's month, never leaving the month. */
function nearestWeekday(date: Date, day: number): number {
  const weekday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), day)).getUTCDay();
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === lastDayOfMonth(date) ? day - 2 : day + 1;
  return day;
}

/** Day of the week, 1-7 or SUN-SAT (1 is Sunday): lists and ranges, `nL` (the last such day), `n#k` (the k-th). */
function daysOfWeek(field: string): (date: Date) => boolean {
  const weekday = (text: string) => numbers(text, 1, 7, WEEKDAYS, 1).values().next().value as number;
  const last = /^(\w+)L$/.exec(field);
  if (last !== null) {
    const day = weekday(last[1]!);
    return (date) => date.getUTCDay() + 1 === day && date.getUTCDate() + 7 > lastDayOfMonth(date);
  }
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth !== null) {
    const day = weekday(nth[1]!);
    const k = Number(nth[2]);
    return (date) => date.getUTCDay() + 1 === day && Math.ceil(date.getUTCDate() / 7) === k;
  }
  const days = numbers(field, 1, 7, WEEKDAYS, 1);
  return (date) => days.has(date.getUTCDay() + 1);
}
