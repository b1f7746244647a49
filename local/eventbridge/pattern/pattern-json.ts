import { InvalidEventPatternError } from './errors';

/**
 * A pattern's JSON as EventBridge's compiler reads it: in document order, every duplicate key kept
 * (the last one wins when fields are written, but each is validated), numbers with their text.
 */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonNode]> }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  /** Where the text stops being JSON: the compiler reports it on reaching it, after any earlier mistake. */
  | { readonly kind: 'error'; readonly error: InvalidEventPatternError };

/** The node of an already parsed JavaScript value (rules built in code rather than from text). */
export function nodeOf(value: unknown): JsonNode {
  if (value === null || typeof value === 'boolean') return { kind: 'literal', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', text: String(value), value };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(nodeOf) };
  if (typeof value === 'object') return { kind: 'object', entries: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, nodeOf(v)] as const) };
  throw new InvalidEventPatternError(`Unsupported value ${String(value)}`);
}

/**
 * Parses pattern text. The first JSON value is read (what follows it is not looked at, as AWS's
 * streaming compiler stops at the end of the root object). A syntax error becomes an `error` node
 * where it occurs, the containers around it cut there: AWS reads and checks the pattern in one
 * pass, so a mistake before the syntax error is the one reported. The reasons are those AWS's
 * parser (Jackson) gives for the common mistakes.
 */
export function parsePatternJson(text: string): JsonNode {
  // No JSON at all: AWS's compiler sees no object to start with.
  if (text.trim() === '') return { kind: 'literal', value: null };
  return new Reader(text).value();
}

const LITERALS = new Map<string, { value: boolean | null }>([['true', { value: true }], ['false', { value: false }], ['null', { value: null }]]);
const VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** The value of an entry being read. */
const PENDING: JsonNode = { kind: 'literal', value: null };

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/;

class Reader {
  private i = 0;
  /** Set at the first syntax error: the containers around it stop there. */
  private failed = false;
  constructor(private readonly text: string) {}

  value(): JsonNode {
    this.skipSpace();
    const ch = this.text[this.i];
    if (ch === undefined) this.fail('Unexpected end-of-input: expected a value');
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return { kind: 'string', value: this.string() };
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    if (/[A-Za-z_$]/.test(ch)) {
      const token = /^[A-Za-z0-9_$]+/.exec(this.text.slice(this.i))![0];
      const literal = LITERALS.get(token);
      if (literal !== undefined) {
        this.i += token.length;
        return { kind: 'literal', value: literal.value };
      }
      this.fail(`Unrecognized token '${token}': was expecting ${VALUES}`);
    }
    this.fail(`Unexpected character (${describe(ch)}): expected a valid value ${VALUES}`);
  }

  private object(): JsonNode {
    this.i++;
    const entries: Array<readonly [string, JsonNode]> = [];
    try {
      this.objectEntries(entries);
    } catch (error) {
      if (!(error instanceof InvalidEventPatternError)) throw error;
      // A value that failed takes the error's place under its key; otherwise the error ends the object.
      const last = entries[entries.length - 1];
      if (last !== undefined && last[1] === PENDING) entries[entries.length - 1] = [last[0], { kind: 'error', error }];
      else entries.push(['', { kind: 'error', error }]);
    }
    return { kind: 'object', entries };
  }

  private objectEntries(entries: Array<readonly [string, JsonNode]>): void {
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.i];
      if (ch === undefined) this.fail('Unexpected end-of-input: expected close marker for Object');
      if (ch !== '"') this.fail(`Unexpected character (${describe(ch)}): was expecting double-quote to start field name`);
      const key = this.string();
      this.skipSpace();
      const colon = this.text[this.i];
      if (colon === undefined) this.fail('Unexpected end-of-input: expected close marker for Object');
      if (colon !== ':') this.fail(`Unexpected character (${describe(colon)}): was expecting a colon to separate field name and value`);
      this.i++;
      const entry: [string, JsonNode] = [key, PENDING];
      entries.push(entry);
      entry[1] = this.value();
      if (this.failed) return;
      this.skipSpace();
      const next = this.text[this.i++];
      if (next === '}') return;
      if (next === undefined) this.fail('Unexpected end-of-input: expected close marker for Object');
      if (next !== ',') this.fail(`Unexpected character (${describe(next)}): was expecting comma to separate Object entries`);
    }
  }

  private array(): JsonNode {
    this.i++;
    const items: JsonNode[] = [];
    try {
      this.arrayItems(items);
    } catch (error) {
      if (!(error instanceof InvalidEventPatternError)) throw error;
      items.push({ kind: 'error', error });
    }
    return { kind: 'array', items };
  }

  private arrayItems(items: JsonNode[]): void {
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === undefined) this.fail('Unexpected end-of-input: expected close marker for Array');
      items.push(this.value());
      if (this.failed) return;
      this.skipSpace();
      const next = this.text[this.i++];
      if (next === ']') return;
      if (next === undefined) this.fail('Unexpected end-of-input: expected close marker for Array');
      if (next !== ',') this.fail(`Unexpected character (${describe(next)}): was expecting comma to separate Array entries`);
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const ch = this.text[this.i];
      if (ch === undefined) this.fail('Unexpected end-of-input: was expecting closing quote for a string value');
      if (ch === '"') break;
      if (ch < ' ') this.fail(`Illegal unquoted character (${describe(ch)}): has to be escaped using backslash to be included in string value`);
      if (ch === '\\') {
        const escaped = this.text[this.i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.fail('Unexpected character: expected a hex-digit for character escape sequence');
          this.i += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) this.fail(`Unrecognized character escape ${describe(escaped ?? '')}`);
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private number(): JsonNode {
    const rest = this.text.slice(this.i);
    const match = NUMBER.exec(rest);
    if (match === null) this.fail(`Unexpected character (${describe(rest[1] ?? '')}): expected digit (0-9) to follow minus sign, for valid numeric value`);
    const after = rest[match[0].length];
    if (/^-?0\d/.test(rest)) this.fail('Invalid numeric value: Leading zeroes not allowed');
    if (after !== undefined && /[A-Za-z0-9.]/.test(after)) this.fail(`Unexpected character (${describe(after)}): Expected space separating root-level values`);
    this.i += match[0].length;
    return { kind: 'number', text: match[0], value: Number(match[0]) };
  }

  private skipSpace(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i]!)) this.i++;
  }

  private fail(reason: string): never {
    this.failed = true;
    throw new InvalidEventPatternError(reason);
  }
}

/** A character the way Jackson names it in messages: `'x' (code 120)` or `(CTRL-CHAR, code 10)`. */
function describe(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 32) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${String.fromCodePoint(code)}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}
