import { InvalidEventPatternError } from './errors';

/**
 * Compiles an EventBridge `wildcard` pattern: `*` matches any run of characters, `\*` and `\\` are
 * literal. Two `*` in a row are refused, as AWS does.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += escapeRegex(pattern[++i]!);
    } else if (ch === '*') {
      if (pattern[i + 1] === '*') throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i + 1}`);
      source += '[\\s\\S]*';
    } else {
      source += escapeRegex(ch);
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
