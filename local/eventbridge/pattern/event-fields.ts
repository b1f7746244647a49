import type { FieldPatterns } from './match-expressions';

/**
 * Matching an event against compiled rules. The leaf values of an event under a field name, the way EventBridge sees an event: as name/value
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

/** A rule's field: where to find it, its slot among the pattern's names, and what it accepts. */
export interface RuleField extends FieldPatterns {
  /** The dot-joined field name, as the pattern wrote it (for explanations). */
  readonly name: string;
  readonly plan: NamePlan;
  readonly slot: number;
}

/**
 * Whether the event matches any of the alternative rules (each a list of fields in name order).
 * The matching runs in this module alone: it is the hot path, and it calls no other module's
 * exports (a bundled import can be a getter call each time).
 */
export function matchesAnyRule(rules: ReadonlyArray<readonly RuleField[]>, slotCount: number, event: unknown): boolean {
  const found: Array<FoundValue[] | undefined> | undefined = rules.length > 1 ? new Array(slotCount) : undefined;
  for (let i = 0; i < rules.length; i++) if (matchFields(rules[i]!, 0, NONE, event, found)) return true;
  return false;
}

/**
 * Whether the fields from `index` on match, given the array elements already chosen. A field's
 * value that adds no new array element leads to the same remaining search, so it is tried once.
 * `exists: false` is met when no value lies in the elements chosen so far.
 */
function matchFields(fields: readonly RuleField[], index: number, chosen: Membership, event: unknown, found: Array<FoundValue[] | undefined> | undefined): boolean {
  const field = fields[index];
  if (field === undefined) return true;
  const candidates = found === undefined ? valuesAt(event, field.plan) : (found[field.slot] ??= valuesAt(event, field.plan));
  const tests = field.tests;
  let present = false;
  let triedUnchanged = false;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!;
    const merged = mergeMembership(chosen, candidate.membership);
    if (merged === undefined) continue;
    present = true;
    if (merged === chosen && triedUnchanged) continue;
    if (anyTest(tests, candidate.value)) {
      if (merged === chosen) triedUnchanged = true;
      if (matchFields(fields, index + 1, merged, event, found)) return true;
    }
  }
  return field.matchesAbsence && !present && matchFields(fields, index + 1, chosen, event, found);
}

function anyTest(tests: FieldPatterns['tests'], value: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
  return false;
}

/** `furthestFailure`'s answer when the fields match. */
const MATCHED = -1;

/**
 * Why an event does not match: the name of the first field (in the order the matcher walks them)
 * that no value of the event satisfies, in the alternative whose search got furthest; undefined
 * when the event matches. It runs the same search as `matchesAnyRule`, only remembering how far it
 * got, so the two agree (a property test holds them to it); it is for explanations, not the hot path.
 */
export function explainAnyRule(rules: ReadonlyArray<readonly RuleField[]>, event: unknown): string | undefined {
  let best: { depth: number; name: string } | undefined;
  for (const fields of rules) {
    const depth = furthestFailure(fields, 0, NONE, event);
    if (depth === MATCHED) return undefined;
    const name = fields[depth]?.name;
    if (name !== undefined && (best === undefined || depth > best.depth)) best = { depth, name };
  }
  return best?.name;
}

/** The index of the furthest field the search failed at, or MATCHED; mirrors `matchFields`. */
function furthestFailure(fields: readonly RuleField[], index: number, chosen: Membership, event: unknown): number {
  const field = fields[index];
  if (field === undefined) return MATCHED;
  const candidates = valuesAt(event, field.plan);
  let deepest = index;
  let present = false;
  let triedUnchanged = false;
  for (const candidate of candidates) {
    const merged = mergeMembership(chosen, candidate.membership);
    if (merged === undefined) continue;
    present = true;
    if (merged === chosen && triedUnchanged) continue;
    if (anyTest(field.tests, candidate.value)) {
      if (merged === chosen) triedUnchanged = true;
      const reached = furthestFailure(fields, index + 1, merged, event);
      if (reached === MATCHED) return MATCHED;
      deepest = Math.max(deepest, reached);
    }
  }
  if (field.matchesAbsence && !present) {
    const reached = furthestFailure(fields, index + 1, chosen, event);
    if (reached === MATCHED) return MATCHED;
    deepest = Math.max(deepest, reached);
  }
  return deepest;
}

/**
 * Whether the pattern's field `name` on its own accepts the event (any value of it passes, or
 * `exists: false` and it has none) in some alternative that names it; undefined when no
 * alternative names it. Tells "a rule for this source" apart from a rule for other events.
 */
export function fieldAccepts(rules: ReadonlyArray<readonly RuleField[]>, name: string, event: unknown): boolean | undefined {
  let named = false;
  for (const fields of rules) {
    const field = fields.find((f) => f.name === name);
    if (field === undefined) continue;
    named = true;
    const values = valuesAt(event, field.plan);
    if (values.length === 0 ? field.matchesAbsence : values.some((found) => anyTest(field.tests, found.value))) return true;
  }
  return named ? false : undefined;
}
