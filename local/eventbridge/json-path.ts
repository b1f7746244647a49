/**
 * The JSONPath subset EventBridge accepts in `InputPath` and `InputPathsMap`: `$`, dotted keys
 * (hyphens, underscores and slashes allowed, as in `$.detail-type`), `[n]` indexes, `['key']`
 * brackets, and the wildcards `.*` and `[*]` (eb-transform-target-input.html lists the syntax).
 */
export type PathSegment = string | number | typeof ANY;

/** A wildcard step: every member of an object or element of an array. */
export const ANY: unique symbol = Symbol('*');

const SEGMENT = /^(?:\.(\*)|\[(\*)\]|\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** Parses a path; undefined when it is not one EventBridge accepts. */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (match === null) return undefined;
    if (match[1] !== undefined || match[2] !== undefined) segments.push(ANY);
    else if (match[4] !== undefined) segments.push(Number(match[4]));
    else segments.push((match[3] ?? match[5] ?? match[6])!);
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/**
 * The value at a parsed path, or undefined when any step is missing. A path with a wildcard names
 * many values: it gives the list of those found, in document order (as JSONPath does).
 */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  if (!segments.includes(ANY)) return single(root, segments);
  let current: unknown[] = [root];
  for (const segment of segments) {
    current = current.flatMap((node) => {
      if (segment !== ANY) {
        const next = single(node, [segment]);
        return next === undefined ? [] : [next];
      }
      if (Array.isArray(node)) return node;
      return node !== null && typeof node === 'object' ? Object.values(node) : [];
    });
  }
  return current;
}

function single(root: unknown, segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (Array.isArray(current) || typeof segment !== 'string' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
