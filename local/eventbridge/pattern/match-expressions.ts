import { cidrContains, ipBytes, parseCidr, sameBytes } from './cidr';
import { InvalidEventPatternError } from './errors';
import { comparableNumber } from './numbers';
import type { JsonNode } from './pattern-json';
import { parseWildcard, wildcardTest, type WildcardToken } from './wildcard';

/** A test of one leaf value of the event (a string, number, boolean or null). */
export type ValueTest = (value: unknown) => boolean;

/** What one field of a rule accepts: any of its value tests, or (`exists: false`) its absence. */
export interface FieldPatterns {
  readonly tests: readonly ValueTest[];
  readonly matchesAbsence: boolean;
  /** The wildcard patterns among them (plain and anything-but), for the complexity check. */
  readonly wildcards: ReadonlyArray<readonly WildcardToken[]>;
}

const fail = (reason: string): never => {
  throw new InvalidEventPatternError(reason);
};

/**
 * A node as AWS's one-pass reader reaches it: where the text stops being JSON, the syntax error is
 * what it reports (a mistake found before that point is reported instead, by the code reading it).
 */
function read<T extends JsonNode | undefined>(node: T): T {
  if (node?.kind === 'error') throw node.error;
  return node;
}

/** Whether a list goes on past `count` items (reading the next one, as AWS does to find out). */
function goesOn(items: readonly JsonNode[], count: number): boolean {
  return read(items[count]) !== undefined;
}

/** Whether an object has a key after its first (reading it). */
function hasSecondKey(entries: ReadonlyArray<readonly [string, JsonNode]>): boolean {
  const second = entries[1];
  if (second !== undefined) read(second[1]);
  return second !== undefined;
}

/**
 * Compiles a field's array of values, in document order so that the first mistake is the one
 * reported. Plain values match exactly (numbers numerically; a string that is an IP address also
 * matches other spellings of that address); objects name one match type.
 */
export function compileFieldValues(items: readonly JsonNode[]): FieldPatterns {
  const tests: ValueTest[] = [];
  const wildcards: Array<readonly WildcardToken[]> = [];
  let matchesAbsence = false;
  for (const item of items) {
    read(item);
    switch (item.kind) {
      case 'object': {
        const expression = compileMatchExpression(item.entries);
        if (expression === 'absent') matchesAbsence = true;
        else {
          tests.push(expression.test);
          wildcards.push(...expression.wildcards);
        }
        break;
      }
      case 'string':
        tests.push(exactString(item.value));
        break;
      case 'number':
        tests.push(exactNumber(item.text));
        break;
      case 'literal': {
        const expected = item.value;
        tests.push((v) => v === expected);
        break;
      }
      case 'array':
        fail('Match value must be String, number, true, false, or null');
    }
  }
  if (items.length === 0) fail('Empty arrays are not allowed');
  return { tests, matchesAbsence, wildcards };
}

type Expression = { test: ValueTest; wildcards: Array<readonly WildcardToken[]> } | 'absent';

function compileMatchExpression(entries: ReadonlyArray<readonly [string, JsonNode]>): Expression {
  const first = entries[0];
  if (first === undefined || (first[0] === '' && first[1].kind === 'error')) {
    read(first?.[1]);
    return fail('Match expression name not found');
  }
  const [type, operand] = first;
  read(operand);
  const onlyKey = () => {
    if (hasSecondKey(entries)) fail('Only one key allowed in match expression');
  };
  const plain = (test: ValueTest): Expression => ({ test, wildcards: [] });
  switch (type) {
    case 'exactly': {
      const text = stringOperand(operand, 'exact match pattern must be a string');
      onlyKey();
      return plain((v) => v === text);
    }
    case 'prefix':
    case 'suffix': {
      const test = compilePrefixOrSuffix(type, operand);
      onlyKey();
      return plain(test);
    }
    case 'equals-ignore-case': {
      const text = stringOperand(operand, 'equals-ignore-case match pattern must be a string').toLowerCase();
      onlyKey();
      return plain((v) => typeof v === 'string' && v.toLowerCase() === text);
    }
    case 'wildcard': {
      const tokens = parseWildcard(stringOperand(operand, 'wildcard match pattern must be a string'));
      onlyKey();
      const test = wildcardTest(tokens);
      return { test: (v) => typeof v === 'string' && test(v), wildcards: [tokens] };
    }
    case 'numeric': {
      if (operand.kind !== 'array') fail('Value of numeric must be an array.');
      const test = compileNumeric(operand.kind === 'array' ? operand.items : []);
      if (hasSecondKey(entries)) fail('Too many elements in numeric expression');
      return plain(test);
    }
    case 'cidr': {
      const cidr = parseCidr(stringOperand(operand, 'prefix match pattern must be a string'));
      onlyKey();
      return plain((v) => typeof v === 'string' && cidrContains(cidr, v));
    }
    case 'exists': {
      if (operand.kind !== 'literal' || operand.value === null) fail('exists match pattern must be either true or false.');
      onlyKey();
      // exists:true is met by any leaf value, null included; exists:false by the absence of one.
      return operand.kind === 'literal' && operand.value === true ? plain(() => true) : 'absent';
    }
    case 'anything-but': {
      const expression = compileAnythingBut(operand);
      if (hasSecondKey(entries)) fail('Too many elements in numeric expression');
      return expression;
    }
    default:
      return fail(`Unrecognized match type ${type}`);
  }
}

function stringOperand(operand: JsonNode, message: string): string {
  return operand.kind === 'string' ? operand.value : fail(message);
}

/** `{"prefix": "a"}` or `{"prefix": {"equals-ignore-case": "a"}}`, likewise suffix. Strings only. */
function compilePrefixOrSuffix(type: 'prefix' | 'suffix', operand: JsonNode): ValueTest {
  const atEdge = type === 'prefix' ? (v: string, text: string) => v.startsWith(text) : (v: string, text: string) => v.endsWith(text);
  if (operand.kind === 'object') {
    const first = operand.entries[0];
    const label = type === 'prefix' ? 'Prefix' : 'Suffix';
    if (first === undefined || (first[0] === '' && first[1].kind === 'error')) {
      read(first?.[1]);
      fail(`${label} expression name not found`);
    }
    const [name, inner] = first!;
    if (name !== 'equals-ignore-case') fail(`Unsupported ${type} pattern: ${name}`);
    const text = stringOperand(read(inner), 'equals-ignore-case match pattern must be a string').toLowerCase();
    if (hasSecondKey(operand.entries)) fail('Only one key allowed in match expression');
    return (v) => typeof v === 'string' && atEdge(v.toLowerCase(), text);
  }
  const text = stringOperand(operand, `${type} match pattern must be a string`);
  return (v) => typeof v === 'string' && atEdge(v, text);
}

/** An exact string; an IP address literal matches the same address however it is written. */
function exactString(expected: string): ValueTest {
  const address = ipBytes(expected);
  if (address === undefined) return (v) => v === expected;
  return (v) => {
    if (typeof v !== 'string') return false;
    if (v === expected) return true;
    const bytes = ipBytes(v);
    return bytes !== undefined && sameBytes(bytes, address);
  };
}

/**
 * An exact number matches numerically (300 matches 300.0 and 3.0e2). One a double cannot hold
 * exactly matches AWS's way only by its text; an event's number read the same way is the closest
 * this can check.
 */
function exactNumber(text: string): ValueTest {
  const expected = Number(text);
  if (!Number.isFinite(expected)) return () => false;
  return (v) => typeof v === 'number' && v === expected;
}

type Comparison = '<' | '<=' | '>' | '>=' | '=';

/**
 * `numeric`: `["=", n]`, `["<"|"<=", n]`, or a lower bound `[">"|">=", n]` optionally followed by an
 * upper bound `"<"|"<=", m` with n < m. AWS reads the list term by term; the messages follow it.
 */
function compileNumeric(items: readonly JsonNode[]): ValueTest {
  const operator = read(items[0]);
  if (operator?.kind !== 'string') return fail(`Invalid member in numeric match: ${operator === undefined ? ']' : nodeText(operator)}`);
  const op = operator.value;
  const value = read(items[1]);
  /** The bound's text; it is turned into a number once the whole list has been read, as AWS does. */
  const boundText = (label: string): string => (value?.kind === 'number' ? value.text : fail(`Value of ${label} must be numeric`));
  switch (op) {
    case '=': {
      const text = boundText('equals');
      if (goesOn(items, 2)) fail('Too many elements in numeric expression');
      const n = comparableNumber(text);
      return (v) => typeof v === 'number' && v === n;
    }
    case '<':
    case '<=': {
      const text = boundText(op);
      if (goesOn(items, 2)) fail('Too many elements in numeric expression');
      return rangeTest(undefined, { op, n: comparableNumber(text) });
    }
    case '>':
    case '>=': {
      const bottomText = boundText(op);
      if (!goesOn(items, 2)) return rangeTest({ op, n: comparableNumber(bottomText) }, undefined);
      const upper = items[2]!;
      const upperOp = upper.kind === 'string' ? upper.value : fail(`Bad value in numeric range: ${nodeText(upper)}`);
      if (upperOp !== '<' && upperOp !== '<=') fail(`Bad numeric range operator: ${upperOp}`);
      const topNode = read(items[3]);
      const topText = topNode?.kind === 'number' ? topNode.text : fail(`Value of ${upperOp} must be numeric`);
      if (goesOn(items, 4)) fail('Too many terms in numeric range expression');
      const bottom = comparableNumber(bottomText);
      const top = comparableNumber(topText);
      if (!(bottom < top)) fail('Bottom must be less than top');
      return rangeTest({ op, n: bottom }, { op: upperOp as Comparison, n: top });
    }
    default:
      return fail(`Unrecognized numeric range operator: ${op}`);
  }
}

function rangeTest(lower: { op: Comparison; n: number } | undefined, upper: { op: Comparison; n: number } | undefined): ValueTest {
  const low = lower === undefined ? () => true : lower.op === '>' ? (v: number) => v > lower.n : (v: number) => v >= lower.n;
  const high = upper === undefined ? () => true : upper.op === '<' ? (v: number) => v < upper.n : (v: number) => v <= upper.n;
  return (v) => typeof v === 'number' && low(v) && high(v);
}

/** A node as the text AWS quotes in messages (the token's text). */
function nodeText(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return node.text;
    case 'literal':
      return String(node.value);
    case 'array':
      return '[';
    case 'object':
      return '{';
    case 'error':
      return '';
  }
}

type ButKind = 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

/**
 * `anything-but`: a string or number, a list of only strings or only numbers, or an object
 * `{equals-ignore-case|prefix|suffix|wildcard: string | string[]}`. It is met by any leaf value
 * the exclusion does not hit: the string forms never exclude numbers, booleans or null, and a
 * number list never excludes a string.
 */
function compileAnythingBut(operand: JsonNode): Expression {
  let kind: ButKind | undefined;
  let values = operand;
  if (operand.kind === 'object') {
    const first = operand.entries[0];
    if (first === undefined || (first[0] === '' && first[1].kind === 'error')) {
      read(first?.[1]);
      fail('Anything-But expression name not found');
    }
    const [name, inner] = first!;
    read(inner);
    if (name !== 'equals-ignore-case' && name !== 'prefix' && name !== 'suffix' && name !== 'wildcard') fail(`Unsupported anything-but pattern: ${name}`);
    kind = name as ButKind;
    values = inner;
  }
  if (values.kind !== 'array' && values.kind !== 'string' && values.kind !== 'number') {
    fail('Value of anything-but must be an array or single string/number value.');
  }
  if (kind === undefined) return { test: excludingExact(values), wildcards: [] };
  const texts = (values.kind === 'array' ? values.items : [values]).map((item) => {
    read(item);
    if (item.kind === 'string') {
      if ((kind === 'prefix' || kind === 'suffix') && item.value === '') fail('Null prefix/suffix not allowed');
      return item.value;
    }
    if (kind === 'equals-ignore-case') fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
    return fail(kind === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string');
  });
  const parsedWildcards = kind === 'wildcard' ? texts.map(parseWildcard) : [];
  if (operand.kind === 'object' && hasSecondKey(operand.entries)) fail('Too many elements in numeric expression');
  switch (kind) {
    case 'equals-ignore-case': {
      const excluded = new Set(texts.map((text) => text.toLowerCase()));
      return { test: (v) => typeof v !== 'string' || !excluded.has(v.toLowerCase()), wildcards: [] };
    }
    case 'prefix':
      return { test: (v) => typeof v !== 'string' || !texts.some((text) => v.startsWith(text)), wildcards: [] };
    case 'suffix':
      return { test: (v) => typeof v !== 'string' || !texts.some((text) => v.endsWith(text)), wildcards: [] };
    case 'wildcard': {
      const tests = parsedWildcards.map(wildcardTest);
      return { test: (v) => typeof v !== 'string' || !tests.some((test) => test(v)), wildcards: parsedWildcards };
    }
  }
}

/** anything-but with plain values: one string or number, or a list of only strings or only numbers. */
function excludingExact(values: JsonNode): ValueTest {
  if (values.kind === 'string') {
    const excluded = values.value;
    return (v) => v !== excluded;
  }
  if (values.kind === 'number') {
    const excluded = comparableNumber(values.text);
    return (v) => v !== excluded;
  }
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const item of values.kind === 'array' ? values.items : []) {
    read(item);
    if (item.kind === 'string') strings.add(item.value);
    else if (item.kind === 'number') numbers.add(comparableNumber(item.text));
    else fail('Inside anything but list, start|null|boolean is not supported.');
  }
  if ((strings.size > 0) === (numbers.size > 0)) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return strings.size > 0 ? (v) => typeof v !== 'string' || !strings.has(v) : (v) => typeof v !== 'number' || !numbers.has(v);
}
