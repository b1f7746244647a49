import { AwsError } from '../aws-error';

/**
 * A CloudWatch Logs filter pattern, compiled to a predicate over an event's message. The syntax is
 * AWS's ("Filter pattern syntax for metric filters, subscription filters, filter log events"):
 *  - unstructured text: `ERROR Exception` (every term occurs), `"quoted phrase"`, `-term` (does not
 *    occur), `?ERROR ?WARN` (at least one of the optional terms occurs), `%regex%`; an empty pattern
 *    or `""` matches every event; terms are case sensitive;
 *  - JSON: `{ $.level = "ERROR" }`, `!=`, `<`, `<=`, `>`, `>=` on numbers, `*` wildcards in string
 *    values, `&&`, `||`, parentheses, `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`; an event that is
 *    not a JSON object never matches;
 *  - space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`: the event's fields (split at spaces;
 *    text in "" or [] is one field) are named in order, `...` stands for any number of fields, and a
 *    field may carry conditions joined by `&&` / `||`; without `...` the counts must agree.
 */
export type FilterPattern = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): FilterPattern {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) return compileDelimitedPattern(text);
  return compileTermPattern(text);
}

const invalid = (why: string) => new AwsError('InvalidParameterException', `Invalid filter pattern: ${why}`);

interface Term {
  readonly kind: 'required' | 'excluded' | 'optional';
  readonly test: (message: string) => boolean;
}

function compileTermPattern(text: string): FilterPattern {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'required';
    if (text[i] === '-' || text[i] === '?') {
      kind = text[i] === '-' ? 'excluded' : 'optional';
      i++;
    }
    let test: (message: string) => boolean;
    if (text[i] === '"') {
      const end = findClosingQuote(text, i + 1);
      const phrase = text.slice(i + 1, end).replace(/\\"/g, '"');
      test = (message) => message.includes(phrase);
      i = end + 1;
    } else if (text[i] === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw invalid(`the regular expression at ${i} has no closing %`);
      const regex = compileRegex(text.slice(i + 1, end));
      test = (message) => regex.test(message);
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
      const word = text.slice(i, end);
      if (word === '') throw invalid(`a ${kind === 'excluded' ? '-' : '?'} with no term after it`);
      test = (message) => message.includes(word);
      i = end;
    }
    terms.push({ kind, test });
  }
  const required = terms.filter((t) => t.kind === 'required');
  const excluded = terms.filter((t) => t.kind === 'excluded');
  const optional = terms.filter((t) => t.kind === 'optional');
  return (message) =>
    required.every((t) => t.test(message)) && !excluded.some((t) => t.test(message)) && (optional.length === 0 || optional.some((t) => t.test(message)));
}

/**
 * A `%regex%` term: AWS accepts letters, digits, the symbols `: _ # = @ / ; , -` and the operators
 * `^ $ ? [ ] { } | \ * + .`; groups `( )` and other characters are refused.
 */
function compileRegex(source: string): RegExp {
  const bad = /[^A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+. ]/.exec(source);
  if (bad !== null) throw invalid(`'${bad[0]}' is not allowed in a regular expression (%${source}%)`);
  try {
    return new RegExp(source);
  } catch (error) {
    throw invalid(`bad regular expression %${source}%: ${(error as Error).message}`);
  }
}

function findClosingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  throw invalid(`the quoted term at ${from - 1} has no closing quote`);
}

// --- JSON patterns -------------------------------------------------------------------------------

type Token = { kind: 'selector' | 'op' | 'string' | 'bare' | 'paren' | 'logic' | 'keyword'; text: string };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: 'paren', text: ch });
      i++;
    } else if (body.startsWith('&&', i) || body.startsWith('||', i)) {
      tokens.push({ kind: 'logic', text: body.slice(i, i + 2) });
      i += 2;
    } else if (/^(!=|<=|>=|=|<|>)/.test(body.slice(i))) {
      const op = /^(!=|<=|>=|=|<|>)/.exec(body.slice(i))![0];
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else if (ch === '"') {
      const end = findClosingQuote(body, i + 1);
      tokens.push({ kind: 'string', text: body.slice(i + 1, end).replace(/\\"/g, '"') });
      i = end + 1;
    } else if (ch === '$') {
      let end = i;
      while (end < body.length && !/[\s=!<>()&|]/.test(body[end]!)) end++;
      tokens.push({ kind: 'selector', text: body.slice(i, end) });
      i = end;
    } else {
      let end = i;
      while (end < body.length && !/[\s=!<>()&|"]/.test(body[end]!)) end++;
      if (end === i) throw invalid(`unexpected '${ch}' at ${i}`);
      const word = body.slice(i, end);
      tokens.push({ kind: /^(IS|NOT|NULL|EXISTS|TRUE|FALSE)$/.test(word) ? 'keyword' : 'bare', text: word });
      i = end;
    }
  }
  return tokens;
}

type Predicate = (value: unknown) => boolean;

function compileJsonPattern(text: string): FilterPattern {
  if (!text.endsWith('}')) throw invalid('a JSON pattern must end with }');
  const tokens = tokenize(text.slice(1, -1));
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    const token = tokens[at++];
    if (token === undefined) throw invalid('the pattern ends too early');
    return token;
  };
  const parseOr = (): Predicate => {
    let left = parseAnd();
    while (peek()?.text === '||') {
      next();
      const l = left;
      const r = parseAnd();
      left = (doc) => l(doc) || r(doc);
    }
    return left;
  };
  const parseAnd = (): Predicate => {
    let left = parseUnit();
    while (peek()?.text === '&&') {
      next();
      const l = left;
      const r = parseUnit();
      left = (doc) => l(doc) && r(doc);
    }
    return left;
  };
  const parseUnit = (): Predicate => {
    const token = next();
    if (token.text === '(') {
      const inner = parseOr();
      if (next().text !== ')') throw invalid('a ( without its )');
      return inner;
    }
    if (token.kind !== 'selector') throw invalid(`expected a selector such as $.field, found '${token.text}'`);
    const path = parseSelector(token.text);
    const op = next();
    if (op.kind === 'keyword') return parseKeywordTest(path, op.text, next);
    if (op.kind !== 'op') throw invalid(`expected a comparison after ${token.text}, found '${op.text}'`);
    const value = next();
    if (value.kind !== 'string' && value.kind !== 'bare') throw invalid(`expected a value after ${token.text} ${op.text}`);
    return comparison(path, op.text, value);
  };
  const predicate = parseOr();
  if (at < tokens.length) throw invalid(`unexpected '${tokens[at]!.text}'`);
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return typeof doc === 'object' && doc !== null && predicate(doc);
  };
}

type PathStep = string | number;

/** `$.a.b[0].c` → ['a', 'b', 0, 'c']; `$.*` style wildcards are not served. */
function parseSelector(selector: string): PathStep[] {
  if (selector === '$') return [];
  if (!selector.startsWith('$.') && !selector.startsWith('$[')) throw invalid(`a selector starts with $. ('${selector}')`);
  const steps: PathStep[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < selector.length) {
    const m = re.exec(selector);
    if (m === null) throw invalid(`cannot read the selector '${selector}'`);
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return steps;
}

const MISSING = Symbol('missing');

function select(doc: unknown, path: readonly PathStep[]): unknown {
  let value: unknown = doc;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return MISSING;
    if (typeof step === 'number') {
      if (!Array.isArray(value) || step >= value.length) return MISSING;
      value = value[step];
    } else {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, step)) return MISSING;
      value = (value as Record<string, unknown>)[step];
    }
  }
  return value;
}

function parseKeywordTest(path: PathStep[], first: string, next: () => Token): Predicate {
  if (first === 'NOT') {
    if (next().text !== 'EXISTS') throw invalid('expected NOT EXISTS');
    return (doc) => select(doc, path) === MISSING;
  }
  if (first !== 'IS') throw invalid(`unexpected '${first}'`);
  const what = next().text;
  if (what === 'NULL') return (doc) => select(doc, path) === null;
  if (what === 'TRUE') return (doc) => select(doc, path) === true;
  if (what === 'FALSE') return (doc) => select(doc, path) === false;
  throw invalid(`expected NULL, TRUE or FALSE after IS, found '${what}'`);
}

function comparison(path: PathStep[], op: string, value: Token): Predicate {
  const numeric = value.kind === 'bare' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.text);
  if (op === '=' || op === '!=') {
    const equal: Predicate = numeric
      ? (actual) => typeof actual === 'number' && actual === Number(value.text)
      : stringMatcher(value.text);
    // `!=` matches a field that is there with another value; a missing field matches neither.
    return op === '=' ? (doc) => equal(select(doc, path)) : (doc) => {
      const actual = select(doc, path);
      return actual !== MISSING && !equal(actual);
    };
  }
  if (!numeric) throw invalid(`${op} compares numbers; '${value.text}' is not one`);
  const limit = Number(value.text);
  const test = { '<': (a: number) => a < limit, '<=': (a: number) => a <= limit, '>': (a: number) => a > limit, '>=': (a: number) => a >= limit }[op as '<'];
  return (doc) => {
    const actual = select(doc, path);
    return typeof actual === 'number' && test(actual);
  };
}

/** A string value: `*` matches any run of characters; a value matches a string or the text of a number or boolean. */
function stringMatcher(pattern: string): Predicate {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (actual) => (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && regex.test(String(actual));
}

// --- space-delimited patterns --------------------------------------------------------------------

type FieldTest = (value: string) => boolean;
interface PatternField {
  readonly name: string;
  readonly test?: FieldTest;
}

function compileDelimitedPattern(text: string): FilterPattern {
  if (!text.endsWith(']')) throw invalid('a space-delimited pattern must end with ]');
  const elements = splitOutsideQuotes(text.slice(1, -1), ',').map((part) => part.trim());
  if (elements.some((e) => e === '')) throw invalid('an empty field in a space-delimited pattern');
  const fields: PatternField[] = elements.map((element) => (element === '...' ? { name: '...' } : parseDelimitedField(element)));
  return (message) => matchFields(fields, 0, eventFields(message), 0, new Set());
}

/** `status_code = 4* && status_code != 404` → the field's name and its test. */
function parseDelimitedField(element: string): PatternField {
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(element)?.[0];
  if (name === undefined) throw invalid(`a field name is letters, digits and _ ('${element}')`);
  if (element.trim() === name) return { name };
  const alternatives = splitOutsideQuotes(element, '||').map((any) =>
    splitOutsideQuotes(any, '&&').map((condition) => {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>)\s*(.+?)\s*$/.exec(condition);
      if (m === null) throw invalid(`cannot read the condition '${condition.trim()}'`);
      const [, field, op, raw] = m as unknown as [string, string, string, string];
      if (field !== name) throw invalid(`a condition in field ${name} names ${field}`);
      const value: Token = raw.startsWith('"') && raw.endsWith('"') && raw.length > 1 ? { kind: 'string', text: raw.slice(1, -1) } : { kind: 'bare', text: raw };
      const predicate = comparison([field], op, value);
      // A field's text that is a number compares as one.
      return (actual: string) => predicate({ [field]: /^-?\d+(\.\d+)?$/.test(actual) ? Number(actual) : actual });
    }),
  );
  return { name, test: (value) => alternatives.some((all) => all.every((test) => test(value))) };
}

/**
 * Positional matching, `...` standing for any number of fields. Positions that failed are remembered,
 * so patterns with several `...` stay linear in the event's fields rather than exponential.
 */
function matchFields(pattern: readonly PatternField[], at: number, values: readonly string[], from: number, failed: Set<number>): boolean {
  if (at === pattern.length) return from === values.length;
  const key = at * (values.length + 1) + from;
  if (failed.has(key)) return false;
  const field = pattern[at]!;
  let matched = false;
  if (field.name === '...') {
    for (let skip = from; skip <= values.length && !matched; skip++) matched = matchFields(pattern, at + 1, values, skip, failed);
  } else if (from < values.length && (field.test === undefined || field.test(values[from]!))) {
    matched = matchFields(pattern, at + 1, values, from + 1, failed);
  }
  if (!matched) failed.add(key);
  return matched;
}

/** An event's fields: split at spaces, with text in "" or [] one field (its delimiters dropped). */
function eventFields(message: string): string[] {
  const fields: string[] = [];
  for (const m of message.matchAll(/"([^"]*)"|\[([^\]]*)\]|(\S+)/g)) fields.push(m[1] ?? m[2] ?? m[3] ?? '');
  return fields;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
