import fc from 'fast-check';
import { compilePattern, InvalidEventPatternError, parsePattern } from '../../local/eventbridge/pattern';

/**
 * Properties of the EventBridge pattern matcher, against a small reference interpreter of the
 * documented meaning (eb-event-patterns.html, eb-create-pattern-operators.html): fields AND,
 * a field's values OR, an event array matches when any element does, exists:false iff no leaf value,
 * $or is the union of its branches.
 */

// Prepare: small alphabets so that random events and patterns meet often.
const KEYS = ['a', 'b', 'c'];
const STRINGS = ['', 'a', 'ab', 'Ab', 'b*', 'ba', '10.0.0.7', '10.1.0.1'];
const leaf = fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -3, max: 3 }), fc.constantFrom(true, false, null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(leaf, { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const event = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 });

type Operator =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case' | 'prefix-ic' | 'suffix-ic' | 'wildcard'; text: string }
  | { kind: 'anything-but'; values: string[] }
  | { kind: 'anything-but-prefix'; text: string }
  | { kind: 'numeric'; low: number; high: number }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; cidr: string };

const text = fc.constantFrom('a', 'A', 'b', 'ab', '0');
const operator: fc.Arbitrary<Operator> = fc.oneof(
  fc.record({ kind: fc.constant('exact' as const), value: fc.oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -3, max: 3 }), fc.constantFrom(true, false, null)) }),
  fc.record({ kind: fc.constantFrom('prefix' as const, 'suffix' as const, 'equals-ignore-case' as const, 'prefix-ic' as const, 'suffix-ic' as const), text }),
  fc.record({ kind: fc.constant('wildcard' as const), text: fc.constantFrom('*', 'a*', '*b', 'a*b', '*a*', '\\*') }),
  fc.record({ kind: fc.constant('anything-but' as const), values: fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('anything-but-prefix' as const), text }),
  fc.record({ kind: fc.constant('numeric' as const), low: fc.integer({ min: -3, max: 1 }), high: fc.integer({ min: 2, max: 4 }) }),
  fc.record({ kind: fc.constant('exists' as const), value: fc.boolean() }),
  fc.record({ kind: fc.constant('cidr' as const), cidr: fc.constantFrom('10.0.0.0/24', '10.0.0.0/8', '11.0.0.0/8') }),
);

/** The operator written as EventBridge's pattern language. */
function written(op: Operator): unknown {
  switch (op.kind) {
    case 'exact':
      return op.value;
    case 'prefix-ic':
      return { prefix: { 'equals-ignore-case': op.text } };
    case 'suffix-ic':
      return { suffix: { 'equals-ignore-case': op.text } };
    case 'anything-but':
      return { 'anything-but': op.values };
    case 'anything-but-prefix':
      return { 'anything-but': { prefix: op.text } };
    case 'numeric':
      return { numeric: ['>=', op.low, '<', op.high] };
    case 'exists':
      return { exists: op.value };
    case 'cidr':
      return { cidr: op.cidr };
    default:
      return { [op.kind]: op.text };
  }
}

/** The documented meaning of one operator on one leaf value. */
function holds(op: Operator, v: unknown): boolean {
  const s = typeof v === 'string' ? v : undefined;
  switch (op.kind) {
    case 'exact':
      return v === op.value;
    case 'prefix':
      return s !== undefined && s.startsWith(op.text);
    case 'suffix':
      return s !== undefined && s.endsWith(op.text);
    case 'prefix-ic':
      return s !== undefined && s.toLowerCase().startsWith(op.text.toLowerCase());
    case 'suffix-ic':
      return s !== undefined && s.toLowerCase().endsWith(op.text.toLowerCase());
    case 'equals-ignore-case':
      return s !== undefined && s.toLowerCase() === op.text.toLowerCase();
    case 'wildcard': {
      const source = op.text === '\\*' ? '\\*' : op.text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      return s !== undefined && new RegExp(`^${source}$`).test(s);
    }
    case 'anything-but':
      return s === undefined || !op.values.includes(s);
    case 'anything-but-prefix':
      return s === undefined || !s.startsWith(op.text);
    case 'numeric':
      return typeof v === 'number' && v >= op.low && v < op.high;
    case 'exists':
      return op.value;
    case 'cidr': {
      const [net, bits] = op.cidr.split('/') as [string, string];
      const n = (ip: string) => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
      const mask = 2 ** (32 - Number(bits));
      return s !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(s) && Math.floor(n(s) / mask) === Math.floor(n(net) / mask);
    }
  }
}

/** Leaf values under a path: arrays stand for each of their elements; objects are not leaves. */
function leaves(root: unknown, path: readonly string[]): unknown[] {
  let level: unknown[] = [root];
  for (const key of path) {
    level = level.flatMap(expand).flatMap((node) => (node !== null && typeof node === 'object' && !Array.isArray(node) && key in node ? [(node as Record<string, unknown>)[key]] : []));
  }
  return level.flatMap(expand).filter((node) => node === null || typeof node !== 'object');
}
const expand = (node: unknown): unknown[] => (Array.isArray(node) ? node.flatMap(expand) : [node]);

/** A pattern: fields (path -> operators), reference meaning alongside. */
interface Field {
  path: string[];
  ops: Operator[];
}
const field: fc.Arbitrary<Field> = fc.record({
  path: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 2 }),
  ops: fc.array(operator, { minLength: 1, maxLength: 3 }),
});

function fieldHolds(f: Field, e: unknown): boolean {
  const values = leaves(e, f.path);
  return f.ops.some((op) => (op.kind === 'exists' && !op.value ? values.length === 0 : op.kind !== 'exists' || values.length > 0 ? values.some((v) => holds(op, v)) : false));
}

/** Builds the pattern object of fields, keeping the first field of a path (a later one would replace it). */
function patternOf(fields: readonly Field[]): { pattern: Record<string, unknown>; kept: Field[] } {
  const pattern: Record<string, unknown> = {};
  const kept: Field[] = [];
  for (const f of fields) {
    let node = pattern;
    let clash = false;
    f.path.forEach((key, i) => {
      if (clash) return;
      const last = i === f.path.length - 1;
      const existing = node[key];
      if (last) {
        if (existing !== undefined) clash = true;
        else node[key] = f.ops.map(written);
      } else if (existing === undefined) {
        node = node[key] = {} as Record<string, unknown>;
      } else if (Array.isArray(existing)) {
        clash = true;
      } else {
        node = existing as Record<string, unknown>;
      }
    });
    if (!clash) kept.push(f);
  }
  return { pattern, kept };
}

const fields = fc.array(field, { minLength: 1, maxLength: 3 });

/** The compiled pattern, or undefined when its wildcards together are more than AWS accepts on one field. */
function compileUnlessTooComplex(pattern: unknown) {
  try {
    return compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError && error.message.includes('too complex')) return undefined;
    throw error;
  }
}

describe('event pattern matcher properties', () => {
  it('agrees with the reference meaning of the documented operators', () => {
    fc.assert(
      fc.property(fields, event, (fs, e) => {
        // Act
        const { pattern, kept } = patternOf(fs);
        const matched = compilePattern(pattern).matches(e);

        // Assess
        expect(matched).toBe(kept.every((f) => fieldHolds(f, e)));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches {exists: false} exactly when the field has no leaf value', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }), event, (path, e) => {
        const pattern = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), [{ exists: false }]);
        expect(compilePattern(pattern).matches(e)).toBe(leaves(e, path).length === 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('matches $or as the union of its branches, and a branch that matches nothing changes nothing', () => {
    fc.assert(
      fc.property(fields, fields, event, (left, right, e) => {
        // Prepare
        const a = patternOf(left).pattern;
        const b = patternOf(right).pattern;
        const never = { never: { matched: ['\u0000'] } };

        // Act
        const or = compileUnlessTooComplex({ $or: [a, b] });
        fc.pre(or !== undefined);
        const union = or!.matches(e);
        const withDeadBranch = compilePattern({ $or: [a, b, never] }).matches(e);

        // Assess
        expect(union).toBe(compilePattern(a).matches(e) || compilePattern(b).matches(e));
        expect(withDeadBranch).toBe(union);
      }),
      { numRuns: 1000 },
    );
  });

  it('matches prefix and suffix as startsWith and endsWith on strings, and never on other values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 6 }), leaf), (affix, v) => {
        const e = { f: v };
        expect(compilePattern({ f: [{ prefix: affix }] }).matches(e)).toBe(typeof v === 'string' && v.startsWith(affix));
        expect(compilePattern({ f: [{ suffix: affix }] }).matches(e)).toBe(typeof v === 'string' && v.endsWith(affix));
      }),
    );
  });

  it('treats a dotted key and the nested keys it joins as the same field, in patterns and in events', () => {
    fc.assert(
      fc.property(operator, leaf, (op, v) => {
        // Prepare
        const nestedPattern = compilePattern({ a: { b: [written(op)] } });
        const dottedPattern = compilePattern({ 'a.b': [written(op)] });

        // Act, Assess
        for (const e of [{ a: { b: v } }, { 'a.b': v }]) {
          expect(nestedPattern.matches(e)).toBe(dottedPattern.matches(e));
          expect(nestedPattern.matches(e)).toBe(op.kind === 'exists' ? op.value : holds(op, v));
        }
      }),
    );
  });

  it('never matches two fields from different elements of one array (array consistency)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.integer({ min: 0, max: 2 }), y: fc.integer({ min: 0, max: 2 }) }), { maxLength: 4 }), (items) => {
        const e = { list: items };
        const pattern = compilePattern({ list: { x: [1], y: [2] } });
        expect(pattern.matches(e)).toBe(items.some((item) => item.x === 1 && item.y === 2));
      }),
    );
  });

  it('matches an IP address inside a CIDR block exactly when its first mask bits are the network\'s, IPv4 and IPv6', () => {
    const bitsOf = (groups: number[], width: number) => groups.map((g) => g.toString(2).padStart(width, '0')).join('');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ width: fc.constant(8), net: fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), ip: fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), mask: fc.integer({ min: 0, max: 31 }) }),
          fc.record({ width: fc.constant(16), net: fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), ip: fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), mask: fc.integer({ min: 0, max: 127 }) }),
        ),
        fc.boolean(),
        ({ width, net, ip, mask }, shareNetwork) => {
          // Prepare: half the time the address shares the network's leading bits.
          const address = shareNetwork ? net.map((g, i) => (i * width < mask ? g : ip[i]!)) : ip;
          const text = (groups: number[]) => (width === 8 ? groups.join('.') : groups.map((g) => g.toString(16)).join(':'));
          const pattern = compilePattern({ ip: [{ cidr: `${text(net)}/${mask}` }] });

          // Act, Assess
          const inside = bitsOf(address, width).slice(0, mask) === bitsOf(net, width).slice(0, mask);
          expect(pattern.matches({ ip: text(address) })).toBe(inside);
        },
      ),
    );
  });

  it('compiles pattern text as it compiles the parsed pattern', () => {
    fc.assert(
      fc.property(fields, event, (fs, e) => {
        const { pattern } = patternOf(fs);
        expect(parsePattern(JSON.stringify(pattern)).matches(e)).toBe(compilePattern(pattern).matches(e));
      }),
      { numRuns: 500 },
    );
  });

  it('matches numeric ranges as double comparisons, and numbers by value whatever their spelling', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b, v) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        fc.pre(low < high);
        const range = parsePattern(`{"n": [{"numeric": [">", ${low}, "<=", ${high}]}]}`);
        expect(range.matches({ n: v })).toBe(v > low && v <= high);
        expect(parsePattern(`{"n": [${v.toExponential()}]}`).matches({ n: v })).toBe(true);
      }),
    );
  });
});
