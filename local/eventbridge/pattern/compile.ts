import { cidrContains, parseCidr } from './cidr';
import { InvalidEventPatternError } from './errors';
import { compileWildcard } from './wildcard';

/**
 * EventBridge's event-pattern language, compiled once into a tree of closures so that matching an
 * event walks it without re-reading the pattern. Semantics follow AWS's documentation:
 * - a key's array lists alternatives (OR); the keys of an object must all match (AND); `$or` lists
 *   alternative sub-patterns;
 * - an event array matches when any of its elements does; arrays of objects are walked through;
 * - a missing field matches only `{"exists": false}`; `null` is a value.
 */
export interface CompiledPattern {
  matches(event: unknown): boolean;
}

/** A value found at a key path: the field is absent, or one or more leaf values. */
type Values = readonly unknown[];
type LeafTest = (values: Values) => boolean;
type Node = (value: unknown) => boolean;

const MATCH_TYPES = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

export function compilePattern(pattern: unknown): CompiledPattern {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new InvalidEventPatternError('Filter is not an object');
  }
  const root = compileObject(pattern as Record<string, unknown>);
  return { matches: (event) => root(event) };
}

/** Parses pattern text as `TestEventPattern` and `PutRule` receive it. */
export function parsePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidEventPatternError(`Malformed JSON: ${(error as Error).message}`);
  }
  return compilePattern(parsed);
}

function compileObject(pattern: Record<string, unknown>): Node {
  const tests: Node[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      tests.push(compileOr(value));
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value);
      tests.push((event) => leaf(valuesAt(event, key)));
    } else if (value !== null && typeof value === 'object') {
      const nested = compileObject(value as Record<string, unknown>);
      tests.push((event) => {
        const child = childOf(event, key);
        // Nested patterns look into objects, and into every object of an array.
        return Array.isArray(child) ? child.some((item) => nested(item)) : child !== undefined && nested(child);
      });
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`);
    }
  }
  return (event) => tests.every((test) => test(event));
}

function compileOr(value: unknown): Node {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPatternError('$or must be an array of at least two objects');
  }
  const alternatives = value.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidEventPatternError('$or must be an array of at least two objects');
    }
    return compileObject(item as Record<string, unknown>);
  });
  return (event) => alternatives.some((alternative) => alternative(event));
}

function childOf(event: unknown, key: string): unknown {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  return Object.prototype.hasOwnProperty.call(event, key) ? (event as Record<string, unknown>)[key] : undefined;
}

/** The leaf values under `key`; arrays (and arrays of arrays) are flattened. Absent: an empty list. */
function valuesAt(event: unknown, key: string): Values {
  const child = childOf(event, key);
  if (child === undefined) return [];
  return Array.isArray(child) ? child.flat(Infinity) : [child];
}

const isObject = (value: unknown) => value !== null && typeof value === 'object';

function compileLeaf(alternatives: unknown[]): LeafTest {
  if (alternatives.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
  const tests = alternatives.map(compileAlternative);
  return (values) => tests.some((test) => test(values));
}

/** One entry of a leaf array: an exact value, or a single-key object naming a match type. */
function compileAlternative(alternative: unknown): LeafTest {
  if (alternative === null || typeof alternative !== 'object') {
    const equal = exactTest(alternative);
    return (values) => values.some(equal);
  }
  if (Array.isArray(alternative)) throw new InvalidEventPatternError('Match value must be String, number, true, false, or null');
  const entries = Object.entries(alternative as Record<string, unknown>);
  if (entries.length !== 1) {
    throw new InvalidEventPatternError(`Only one match type is allowed per object, got ${entries.length}`);
  }
  const [type, operand] = entries[0]!;
  if (type === 'exists') {
    if (typeof operand !== 'boolean') throw new InvalidEventPatternError('exists match pattern must be either true or false.');
    // Exists looks at leaf values only: an object at the path is not a leaf.
    return operand ? (values) => values.some((v) => !isObject(v)) : (values) => !values.some((v) => !isObject(v));
  }
  if (type === 'anything-but') {
    const excluded = compileAnythingBut(operand);
    return (values) => values.some((v) => !isObject(v) && !excluded(v));
  }
  const test = compileMatcher(type, operand);
  return (values) => values.some(test);
}

/** Exact matching: strings and booleans by value, numbers numerically, null only by null. */
function exactTest(expected: unknown): (value: unknown) => boolean {
  if (typeof expected === 'number') return (value) => typeof value === 'number' && value === expected;
  return (value) => value === expected;
}

type ValueTest = (value: unknown) => boolean;

function stringOperand(type: string, operand: unknown, label = type): string {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(`${label} match pattern must be a string`);
  return operand;
}

/** A string test given as a string, or as `{"equals-ignore-case": string}` (prefix and suffix). */
function caseAwareOperand(type: string, operand: unknown): { text: string; ignoreCase: boolean } {
  if (isObject(operand) && !Array.isArray(operand)) {
    const entries = Object.entries(operand as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0] === 'equals-ignore-case') {
      return { text: stringOperand(type, entries[0]![1]).toLowerCase(), ignoreCase: true };
    }
  }
  return { text: stringOperand(type, operand), ignoreCase: false };
}

function compileMatcher(type: string, operand: unknown): ValueTest {
  switch (type) {
    case 'prefix': {
      const { text, ignoreCase } = caseAwareOperand(type, operand);
      return (v) => typeof v === 'string' && (ignoreCase ? v.toLowerCase() : v).startsWith(text);
    }
    case 'suffix': {
      const { text, ignoreCase } = caseAwareOperand(type, operand);
      return (v) => typeof v === 'string' && (ignoreCase ? v.toLowerCase() : v).endsWith(text);
    }
    case 'equals-ignore-case': {
      const text = stringOperand(type, operand).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === text;
    }
    case 'wildcard': {
      const test = compileWildcard(stringOperand(type, operand));
      return (v) => typeof v === 'string' && test(v);
    }
    case 'numeric':
      return compileNumeric(operand);
    case 'cidr': {
      const cidr = parseCidr(stringOperand(type, operand));
      return (v) => typeof v === 'string' && cidrContains(cidr, v);
    }
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${type}`);
  }
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
const NUMERIC_LIMIT = 5e9;

/** `{"numeric": [">", 0, "<=", 5]}`: at most one lower and one upper bound, or one `=`. */
function compileNumeric(operand: unknown): ValueTest {
  if (!Array.isArray(operand)) throw new InvalidEventPatternError('Value of numeric must be an array.');
  if (operand.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
  const checks: Array<(v: number) => boolean> = [];
  let lower = false;
  let upper = false;
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    if (typeof op !== 'string' || NUMERIC_OPS[op] === undefined) {
      throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${JSON.stringify(op)}`);
    }
    const bound = operand[i + 1];
    if (typeof bound !== 'number') throw new InvalidEventPatternError(`Value of ${op} must be numeric`);
    if (Math.abs(bound) > NUMERIC_LIMIT) throw new InvalidEventPatternError(`Value of ${op} must be between -5.0E9 and 5.0E9`);
    if (op === '=') {
      if (operand.length > 2) throw new InvalidEventPatternError('Numeric equality cannot be combined with a range');
    } else if (op.startsWith('>')) {
      if (lower) throw new InvalidEventPatternError('Bad numeric range operator: a lower bound is given twice');
      lower = true;
    } else {
      if (upper) throw new InvalidEventPatternError('Bad numeric range operator: an upper bound is given twice');
      upper = true;
    }
    const compare = NUMERIC_OPS[op]!;
    checks.push((v) => compare(v, bound));
  }
  return (v) => typeof v === 'number' && checks.every((check) => check(v));
}

/**
 * `anything-but`: a string, a number, a list of strings or numbers, or `{prefix|suffix|wildcard|
 * equals-ignore-case: string | string[]}`. Returns the test for an *excluded* value.
 */
function compileAnythingBut(operand: unknown): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return exactTest(operand);
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
    if (!operand.every((item) => typeof item === 'string' || typeof item === 'number')) {
      throw new InvalidEventPatternError('Inside anything but list, start|null|boolean is not supported.');
    }
    const tests = operand.map(exactTest);
    return (v) => tests.some((test) => test(v));
  }
  if (isObject(operand)) {
    const entries = Object.entries(operand as Record<string, unknown>);
    const [type, inner] = entries[0] ?? [];
    if (entries.length === 1 && type !== undefined && ['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(type)) {
      const items = Array.isArray(inner) ? inner : [inner];
      if (items.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
      const tests = items.map((item) => anythingButItem(type, item));
      return (v) => tests.some((test) => test(v));
    }
    if (entries.length === 1 && type !== undefined && MATCH_TYPES.includes(type)) {
      throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${type}`);
    }
  }
  throw new InvalidEventPatternError('Value of anything-but must be an array or single string/number value.');
}

function anythingButItem(type: string, item: unknown): ValueTest {
  if (type === 'equals-ignore-case') {
    if (typeof item !== 'string') {
      throw new InvalidEventPatternError('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
    }
    return compileMatcher(type, item);
  }
  if (type === 'wildcard') return compileMatcher(type, stringOperand(type, item));
  if (isObject(item)) {
    // anything-but does not take the case-insensitive forms of prefix and suffix.
    throw new InvalidEventPatternError('Value of anything-but must be an array or single string/number value.');
  }
  const text = stringOperand(type, item, 'prefix/suffix');
  if (text === '') throw new InvalidEventPatternError('Null prefix/suffix not allowed');
  return compileMatcher(type, text);
}
