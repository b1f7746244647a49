import fc from 'fast-check';
import { compilePattern } from '../../local/eventbridge/pattern';

/**
 * The pattern matcher's `explain` (the first field an event fails, for the flight recorder's
 * "unmatched" rules) against `matches`: it names no field exactly when the event matches, names a
 * field of the pattern otherwise, and on events without arrays of objects (no array consistency at
 * play) the field it names fails on its own while every field before it (in name order) passes alone.
 */

// Prepare: small alphabets so that random events and patterns meet often.
const KEYS = ['a', 'b', 'c'];
const leaf = fc.oneof(fc.constantFrom('', 'a', 'ab', 'b', '10.0.0.7'), fc.integer({ min: -3, max: 3 }), fc.constantFrom(true, false, null));
const objectValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(leaf, { maxLength: 3 }), fc.array(tie('object'), { maxLength: 2 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const anyEvent = fc.dictionary(fc.constantFrom(...KEYS), objectValue, { maxKeys: 3 });
/** Events whose arrays hold only leaf values. */
const flatValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(leaf, { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const flatEvent = fc.dictionary(fc.constantFrom(...KEYS), flatValue, { maxKeys: 3 });

const matcher = fc.oneof(
  leaf,
  fc.constantFrom({ exists: true }, { exists: false }, { prefix: 'a' }, { 'anything-but': ['a'] }, { numeric: ['>', 0] }, { wildcard: 'a*' }, { cidr: '10.0.0.0/24' }),
);
/** A pattern of one to three fields at paths of depth one or two (later fields of the same path replace earlier ones). */
const fields = fc.array(fc.record({ path: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 2 }), values: fc.array(matcher, { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 3 });

function patternOf(list: ReadonlyArray<{ path: string[]; values: unknown[] }>): { pattern: Record<string, unknown>; names: string[] } | undefined {
  const pattern: Record<string, unknown> = {};
  const names = new Set<string>();
  for (const { path, values } of list) {
    let node = pattern;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        if (node[key] !== undefined && !Array.isArray(node[key])) return undefined; // a leaf where an object is: skip
        node[key] = values;
      } else {
        if (Array.isArray(node[key])) return undefined;
        node = (node[key] ??= {}) as Record<string, unknown>;
      }
    }
    names.add(path.join('.'));
  }
  return { pattern, names: [...names].filter((name) => valueAtPath(pattern, name) !== undefined) };
}
const valueAtPath = (pattern: Record<string, unknown>, name: string): unknown => name.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], pattern);
/** The pattern with only the named field. */
const only = (pattern: Record<string, unknown>, name: string) => name.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), valueAtPath(pattern, name));
const orOf = (a: Record<string, unknown>, b: Record<string, unknown>) => ({ $or: [a, b] });

it('names no field exactly when the event matches, and otherwise a field of the pattern', () => {
  fc.assert(
    fc.property(fields, fields, fc.boolean(), anyEvent, (first, second, useOr, event) => {
      const a = patternOf(first);
      const b = patternOf(second);
      fc.pre(a !== undefined && b !== undefined);
      const pattern = useOr ? orOf(a!.pattern, b!.pattern) : a!.pattern;
      const compiled = compilePattern(pattern);
      const explained = compiled.explain(event);
      expect(explained === undefined).toBe(compiled.matches(event));
      if (explained !== undefined) expect([...a!.names, ...(useOr ? b!.names : [])]).toContain(explained);
    }),
    { numRuns: 1500 },
  );
});

it('on events without arrays of objects, names the first field in name order that fails on its own', () => {
  fc.assert(
    fc.property(fields, flatEvent, (list, event) => {
      const built = patternOf(list);
      fc.pre(built !== undefined);
      const { pattern, names } = built!;
      const explained = compilePattern(pattern).explain(event);
      fc.pre(explained !== undefined);
      const sorted = [...names].sort();
      const failedAlone = (name: string) => !compilePattern(only(pattern, name)).matches(event);
      expect(failedAlone(explained!)).toBe(true);
      for (const name of sorted.slice(0, sorted.indexOf(explained!))) expect(failedAlone(name)).toBe(false);
    }),
    { numRuns: 1500 },
  );
});

it('tells whether one field alone accepts the event, and that a pattern does not name it', () => {
  const pattern = compilePattern({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 100] }] } });
  const event = { source: 'shop.orders', 'detail-type': 'OrderPlaced', detail: { total: 5 } };
  expect(pattern.fieldAccepts('source', event)).toBe(true);
  expect(pattern.fieldAccepts('detail.total', event)).toBe(false);
  expect(pattern.fieldAccepts('region', event)).toBeUndefined();
  expect(pattern.explain(event)).toBe('detail.total');
});
