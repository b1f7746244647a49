const COLORS = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

/** A stable colour per function name, so interleaved logs stay readable. */
function colorOf(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[hash % COLORS.length]!;
}

/**
 * Prefixes a handler's log line with its function's name (coloured on a terminal). The line itself
 * is left intact, so a JSON log line stays parseable after the prefix.
 */
export function prefixLogLine(functionName: string, line: string, color: boolean): string {
  const prefix = `[${functionName}]`;
  return `${color ? `\u001b[${colorOf(functionName)}m${prefix}\u001b[0m` : prefix} ${line}`;
}
