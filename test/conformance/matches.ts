/**
 * Compares AWS's recorded answer with the local cloud's. The expectation is partial: an object
 * names the members it checks (others may be present), an array is compared element by element.
 * Placeholders stand for values AWS generated:
 * - `"<any>"`: present, any value; `"<absent>"`: the member is left out (as AWS leaves out empty members);
 * - `"<string>"`, `"<number>"`; `"<re:PATTERN>"`: a string matching the regular expression;
 * - `{ "<unordered>": [...] }`: an array with these elements in any order;
 * - `{ "<json>": value }`: a string of JSON text whose parsed value matches `value` (policies, patterns).
 * Binary values (Uint8Array) compare as their base64 text.
 * Returns where they differ, or undefined when the answer matches.
 */
export function mismatch(expected: unknown, actual: unknown, at = '$'): string | undefined {
  if (typeof expected === 'string' && expected.startsWith('<') && expected.endsWith('>')) return placeholder(expected, actual, at);
  if (actual instanceof Uint8Array) actual = Buffer.from(actual).toString('base64');
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`;
    for (const [index, element] of expected.entries()) {
      const difference = mismatch(element, actual[index], `${at}[${index}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (isObject(expected)) {
    if (Object.keys(expected).length === 1 && '<unordered>' in expected) return unordered(expected['<unordered>'], actual, at);
    if (Object.keys(expected).length === 1 && '<json>' in expected) return json(expected['<json>'], actual, at);
    if (!isObject(actual)) return `${at}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const difference = mismatch(value, actual[key], `${at}.${key}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

function placeholder(expected: string, actual: unknown, at: string): string | undefined {
  const fail = (what: string) => `${at}: expected ${what}, got ${show(actual)}`;
  if (expected === '<absent>') return actual === undefined ? undefined : fail('no member');
  if (actual === undefined) return fail(expected);
  if (expected === '<any>') return undefined;
  if (expected === '<string>') return typeof actual === 'string' ? undefined : fail('a string');
  if (expected === '<number>') return typeof actual === 'number' ? undefined : fail('a number');
  if (expected.startsWith('<re:')) {
    const pattern = new RegExp(expected.slice(4, -1), 's');
    return typeof actual === 'string' && pattern.test(actual) ? undefined : fail(`a string matching /${pattern.source}/`);
  }
  // Any other <...> text is a literal value (an XML-like string, say).
  return Object.is(expected, actual) ? undefined : fail(show(expected));
}

function unordered(expected: unknown, actual: unknown, at: string): string | undefined {
  if (!Array.isArray(expected)) return `${at}: <unordered> takes an array`;
  if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: expected ${expected.length} elements in any order, got ${show(actual)}`;
  const left = [...actual];
  for (const element of expected) {
    const index = left.findIndex((candidate) => mismatch(element, candidate) === undefined);
    if (index < 0) return `${at}: no element matches ${show(element)} in ${show(actual)}`;
    left.splice(index, 1);
  }
  return undefined;
}

function json(expected: unknown, actual: unknown, at: string): string | undefined {
  if (typeof actual !== 'string') return `${at}: expected JSON text, got ${show(actual)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(actual);
  } catch {
    return `${at}: expected JSON text, got ${show(actual)}`;
  }
  return mismatch(expected, parsed, `${at}<json>`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function show(value: unknown): string {
  const text = value instanceof Uint8Array ? `<${value.length} bytes>` : JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
