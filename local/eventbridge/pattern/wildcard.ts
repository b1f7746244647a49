import { InvalidEventPatternError } from './errors';

/** A wildcard pattern read into literal characters and `*`s. */
export type WildcardToken = { readonly star: true } | { readonly star: false; readonly text: string };

/**
 * Reads an EventBridge `wildcard` pattern: `*` matches any run of characters, `\*` is a literal
 * `*` and `\\` a literal backslash; a backslash before anything else, and two `*` in a row, are
 * refused. Positions in AWS's messages count UTF-8 bytes of the pattern as a JSON string, its
 * opening quote included.
 */
export function parseWildcard(pattern: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  const chars = Array.from(pattern);
  let position = 1;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${position}`);
      tokens.push({ star: true });
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') throw new InvalidEventPatternError(`Invalid escape character at pos ${position}`);
      tokens.push({ star: false, text: next });
      i++;
      position++;
    } else {
      tokens.push({ star: false, text: ch });
    }
    position += Buffer.byteLength(ch);
  }
  return tokens;
}

/** A test for a parsed wildcard pattern, matching the whole string. */
export function wildcardTest(tokens: readonly WildcardToken[]): (value: string) => boolean {
  const source = tokens.map((token) => (token.star ? '[\\s\\S]*' : escapeRegex(token.text))).join('');
  const regex = new RegExp(`^${source}$`, 'u');
  return (value) => regex.test(value);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The most positions the wildcard patterns of one field can be in at once while reading a single
 * value: how AWS measures a rule's wildcard complexity (matching cost grows with it). Patterns of
 * the same field add up. Each pattern is read as AWS stores it, between quotes.
 */
export function wildcardComplexity(patterns: ReadonlyArray<readonly WildcardToken[]>, cap: number): number {
  const quoted = patterns.map((tokens) => [{ star: false, text: '"' } as WildcardToken, ...tokens, { star: false, text: '"' } as WildcardToken]);
  const alphabet = new Set<string>(['\u0001']);
  for (const tokens of quoted) for (const token of tokens) if (!token.star) alphabet.add(token.text);
  // A state is a set of (pattern, position) pairs, encoded as "p:i".
  const closure = (states: Set<string>) => {
    const stack = [...states];
    while (stack.length > 0) {
      const [p, i] = stack.pop()!.split(':').map(Number) as [number, number];
      if (quoted[p]![i]?.star === true && !states.has(`${p}:${i + 1}`)) {
        states.add(`${p}:${i + 1}`);
        stack.push(`${p}:${i + 1}`);
      }
    }
    return states;
  };
  const start = closure(new Set(quoted.map((_, p) => `${p}:0`)));
  const seen = new Set<string>([[...start].sort().join(',')]);
  const queue = [start];
  let most = 0;
  while (queue.length > 0 && seen.size < 20000) {
    const states = queue.shift()!;
    most = Math.max(most, states.size);
    if (most > cap) return most;
    for (const ch of alphabet) {
      const next = new Set<string>();
      for (const state of states) {
        const [p, i] = state.split(':').map(Number) as [number, number];
        const token = quoted[p]![i];
        if (token === undefined) continue;
        if (token.star) next.add(state);
        else if (token.text === ch) next.add(`${p}:${i + 1}`);
      }
      if (next.size === 0) continue;
      const key = [...closure(next)].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
  }
  return most;
}
