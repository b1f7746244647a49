import { InvalidEventPatternError } from './errors';
import { explainAnyRule, fieldAccepts, matchesAnyRule, planName, type RuleField } from './event-fields';
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
  /** The first field (dot-joined path) the event fails, or undefined exactly when it matches. */
  explain(event: unknown): string | undefined;
  /** Whether the field `name` alone accepts the event; undefined when the pattern does not name it. */
  fieldAccepts(name: string, event: unknown): boolean | undefined;
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
  // Each alternative's fields in name order (the order AWS's matcher walks them); each distinct
  // name gets a slot, so that alternatives sharing a field look it up in the event once.
  const slots = new Map<string, number>();
  const alternatives = rules.map((rule) =>
    [...rule.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, patterns]): RuleField => {
        if (!slots.has(name)) slots.set(name, slots.size);
        return { name, plan: planName(name), slot: slots.get(name)!, ...patterns };
      }),
  );
  const slotCount = slots.size;
  return {
    matches: (event) => matchesAnyRule(alternatives, slotCount, event),
    explain: (event) => explainAnyRule(alternatives, event),
    fieldAccepts: (name, event) => fieldAccepts(alternatives, name, event),
  };
}

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
