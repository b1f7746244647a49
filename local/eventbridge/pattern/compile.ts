import { InvalidEventPatternError } from './errors';
import { mergeMembership, planName, valuesAt, type FoundValue, type Membership, type NamePlan } from './event-fields';
import { compileFieldValues, type FieldPatterns } from './match-expressions';
import { nodeOf, parsePatternJson, type JsonNode } from './pattern-json';
import { wildcardComplexity } from './wildcard';

/**
 * EventBridge's event-pattern language, compiled once so that matching an event only looks up the
 * pattern's fields in it. Semantics follow AWS's documentation and its matcher (event-ruler):
 * - a pattern is a set of fields named by their dot-joined path; all must match (AND), and a
 *   field matches when any of its values does (OR); `$or` lists alternative sub-patterns, so a
 *   pattern is a list of alternative field sets, and a later field of the same name replaces an
 *   earlier one;
 * - an event is a set of (name, leaf value) pairs, arrays walked through; two fields never match
 *   values from different elements of the same array (array consistency);
 * - `exists: false` matches a field with no leaf value, given the elements the fields before it
 *   (in name order) matched in.
 */
export interface CompiledPattern {
  matches(event: unknown): boolean;
}

interface Field {
  readonly name: string;
  readonly plan: NamePlan;
  /** Index of the name among the pattern's distinct names: the event is searched once per name. */
  readonly slot: number;
  readonly patterns: FieldPatterns;
}

/**
 * How many positions a field's wildcard patterns may be in at once before AWS calls the rule too
 * complex. AWS does not publish its limit; this one is set between what AWS was recorded to accept
 * (`/Users/*​/dir/dir/dir/dir/dir/doc.txt`: 8; `["*​/init/*", "*​/dir/*"]` on one field: 10) and to
 * refuse (`*:*:*:*:*:event-bus/*`: 13).
 */
const MAX_WILDCARD_COMPLEXITY = 12;

/** Compiles a pattern given as a parsed value. */
export function compilePattern(pattern: unknown): CompiledPattern {
  return compileNode(nodeOf(pattern));
}

/** Parses pattern text as `TestEventPattern` and `PutRule` receive it. */
export function parsePattern(text: string): CompiledPattern {
  return compileNode(parsePatternJson(text));
}

function compileNode(root: JsonNode): CompiledPattern {
  throwIfError(root);
  if (root.kind !== 'object') throw new InvalidEventPatternError('Filter is not an object');
  const rules: Array<Map<string, FieldPatterns>> = [];
  readObject(rules, [], root, false);
  checkWildcardComplexity(rules);
  const slots = new Map<string, number>();
  const subRules = rules.map((rule) =>
    [...rule.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, patterns]): Field => {
        if (!slots.has(name)) slots.set(name, slots.size);
        return { name, plan: planName(name), slot: slots.get(name)!, patterns };
      }),
  );
  const slotCount = slots.size;
  const only = subRules.length === 1 ? subRules[0]! : undefined;
  if (only !== undefined) {
    return { matches: (event) => matchFields(only, 0, NO_ELEMENTS, (field) => valuesAt(event, field.plan)) };
  }
  return {
    matches(event) {
      // Alternatives share fields: each name is looked up in the event once.
      const found: Array<FoundValue[] | undefined> = new Array(slotCount);
      const lookup = (field: Field) => (found[field.slot] ??= valuesAt(event, field.plan));
      for (const fields of subRules) if (matchFields(fields, 0, NO_ELEMENTS, lookup)) return true;
      return false;
    },
  };
}

const NO_ELEMENTS: Membership = [];

const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

/** Reads an object of the pattern into every current alternative, in document order. */
function readObject(rules: Array<Map<string, FieldPatterns>>, path: readonly string[], node: JsonNode & { kind: 'object' }, insideOr: boolean): void {
  for (const [key, value] of node.entries) {
    throwIfError(value);
    if (key === '$or') {
      readOr(rules, path, value);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    if (value.kind === 'object') {
      readObject(rules, [...path, key], value, insideOr);
    } else if (value.kind === 'array') {
      const patterns = compileFieldValues(value.items);
      if (rules.length === 0) rules.push(new Map());
      const name = [...path, key].join('.');
      for (const rule of rules) rule.set(name, patterns);
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`);
    }
  }
  if (node.entries.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed');
}

/** `$or`: each alternative object forks the alternatives read so far. */
function readOr(rules: Array<Map<string, FieldPatterns>>, path: readonly string[], value: JsonNode): void {
  const before = rules.splice(0, rules.length);
  if (value.kind !== 'array') throw new InvalidEventPatternError('It must be an Array followed with $or.');
  for (const item of value.items) {
    throwIfError(item);
    if (item.kind !== 'object') throw new InvalidEventPatternError('Only JSON object is allowed in array of $or relationship.');
    const forked = before.length === 0 ? [new Map<string, FieldPatterns>()] : before.map((rule) => new Map(rule));
    readObject(forked, path, item, true);
    rules.push(...forked);
  }
  if (value.items.length < 2) throw new InvalidEventPatternError('There must have at least 2 Objects in $or relationship.');
}

function throwIfError(node: JsonNode): void {
  if (node.kind === 'error') throw node.error;
}

/** AWS refuses a rule whose wildcards would make matching too slow (see MAX_WILDCARD_COMPLEXITY). */
function checkWildcardComplexity(rules: ReadonlyArray<Map<string, FieldPatterns>>): void {
  const byName = new Map<string, Set<FieldPatterns>>();
  for (const rule of rules) {
    for (const [name, patterns] of rule) {
      if (patterns.wildcards.length > 0) (byName.get(name) ?? byName.set(name, new Set()).get(name)!).add(patterns);
    }
  }
  for (const fields of byName.values()) {
    // The same pattern twice is one pattern to AWS's matcher.
    const distinct = new Map([...fields].flatMap((patterns) => patterns.wildcards).map((tokens) => [JSON.stringify(tokens), tokens] as const));
    const wildcards = [...distinct.values()];
    if (wildcardComplexity(wildcards, MAX_WILDCARD_COMPLEXITY) > MAX_WILDCARD_COMPLEXITY) {
      throw new InvalidEventPatternError(
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
      );
    }
  }
}

/**
 * Whether the fields from `index` on match, given the array elements already chosen. A field's
 * value that adds no new array element leads to the same remaining search, so it is tried once.
 */
function matchFields(fields: readonly Field[], index: number, chosen: Membership, lookup: (field: Field) => FoundValue[]): boolean {
  const field = fields[index];
  if (field === undefined) return true;
  const { tests, matchesAbsence } = field.patterns;
  let present = false;
  let triedUnchanged = false;
  const candidates = lookup(field);
  for (let i = 0; i < candidates.length; i++) {
    const found = candidates[i]!;
    const merged = mergeMembership(chosen, found.membership);
    if (merged === undefined) continue;
    present = true;
    if (merged === chosen && triedUnchanged) continue;
    if (anyTest(tests, found.value)) {
      if (merged === chosen) triedUnchanged = true;
      if (matchFields(fields, index + 1, merged, lookup)) return true;
    }
  }
  return matchesAbsence && !present && matchFields(fields, index + 1, chosen, lookup);
}

function anyTest(tests: FieldPatterns['tests'], value: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
  return false;
}
