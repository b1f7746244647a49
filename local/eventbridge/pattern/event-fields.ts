/**
 * The leaf values of an event under a field name, the way EventBridge sees an event: as name/value
 * pairs whose names join the keys on the way with dots. So the field `detail.state.status` is found
 * under `{"detail": {"state": {"status": ..}}}` as well as under `{"detail": {"state.status": ..}}`.
 * Arrays are walked through (each element stands for the field), and every value remembers which
 * element of which array of objects (or arrays) it came from, for array consistency.
 */

/** The array elements a value lies in: pairs of (array, index), outermost first. */
export type Membership = ReadonlyArray<readonly [readonly unknown[], number]>;

/** A leaf value (string, number, boolean or null) and where it lies. */
export interface FoundValue {
  readonly value: unknown;
  readonly membership: Membership;
}

const NONE: Membership = [];

/**
 * How to find a name in an event, prepared once per field: an event key can only be the whole
 * remaining name or the part before one of its dots, so at each step only those keys are looked up
 * (no scan of the event's keys, no string slicing while matching). Step `i` starts after the i-th dot.
 */
export type NamePlan = ReadonlyArray<ReadonlyArray<{ readonly key: string; readonly next: number }>>;

/** The lookup plan of a dot-joined field name. */
export function planName(name: string): NamePlan {
  const starts = [0];
  for (let i = 0; i < name.length; i++) if (name[i] === '.') starts.push(i + 1);
  return starts.map((start, step) => {
    const candidates = starts.slice(step + 1).map((next, offset) => ({ key: name.slice(start, next - 1), next: step + 1 + offset }));
    candidates.push({ key: name.slice(start), next: -1 });
    return candidates;
  });
}

/** Every leaf value of the event under the planned field name. */
export function valuesAt(event: unknown, plan: NamePlan): FoundValue[] {
  const found: FoundValue[] = [];
  if (isPlainObject(event)) visitObject(event, plan, 0, NONE, found);
  return found;
}

function visitObject(object: Record<string, unknown>, plan: NamePlan, step: number, membership: Membership, found: FoundValue[]): void {
  const candidates = plan[step]!;
  for (let i = 0; i < candidates.length; i++) {
    const { key, next } = candidates[i]!;
    const value = object[key];
    if (value !== undefined && Object.prototype.hasOwnProperty.call(object, key)) visitValue(value, plan, next, membership, found);
  }
}

/** `step` -1: the name ends here, so only a leaf value counts. */
function visitValue(value: unknown, plan: NamePlan, step: number, membership: Membership, found: FoundValue[]): void {
  if (value === null || typeof value !== 'object') {
    if (step < 0) found.push({ value, membership });
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const element: unknown = value[index];
      // Objects and arrays inside an array are elements for array consistency; leaf values are not.
      if (element !== null && typeof element === 'object') visitValue(element, plan, step, [...membership, [value, index]], found);
      else if (step < 0 && element !== undefined) found.push({ value: element, membership });
    }
  } else if (step >= 0) {
    visitObject(value as Record<string, unknown>, plan, step, membership, found);
  }
}

/**
 * The membership of both, or undefined when they lie in different elements of the same array
 * (EventBridge never matches two fields taken from different elements of one array).
 */
export function mergeMembership(current: Membership, next: Membership): Membership | undefined {
  if (next.length === 0) return current;
  let merged: Array<readonly [readonly unknown[], number]> | undefined;
  for (const entry of next) {
    const same = current.find(([array]) => array === entry[0]);
    if (same !== undefined) {
      if (same[1] !== entry[1]) return undefined;
    } else {
      (merged ??= [...current]).push(entry);
    }
  }
  return merged ?? current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
