import type { S3Object } from './bucket';

export interface ListQuery {
  readonly prefix: string;
  readonly delimiter?: string;
  /** Entries after this key (StartAfter, Marker, or where a continuation token left off). */
  readonly after?: string;
  /** `after` was a common prefix: keys under it were rolled up in it and are skipped. */
  readonly afterIsPrefix?: boolean;
  readonly maxKeys: number;
}

export interface ListPage {
  readonly contents: S3Object[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix of the page, to continue after. */
  readonly last?: { readonly value: string; readonly isPrefix: boolean };
}

/**
 * One page of a bucket listing in key order: keys under `prefix`, those holding `delimiter` after the
 * prefix rolled up into one common prefix each; keys and common prefixes together count toward
 * `maxKeys`, as in S3. Keys are ordered by UTF-16 code units (S3 orders UTF-8 bytes: the same for
 * every key without characters beyond U+FFFF).
 */
export function listObjects(objects: Iterable<S3Object>, query: ListQuery): ListPage {
  const keys = [...objects].filter((o) => o.key.startsWith(query.prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const contents: S3Object[] = [];
  const commonPrefixes: string[] = [];
  let last: ListPage['last'];
  for (const object of keys) {
    const { after } = query;
    if (after !== undefined) {
      if (object.key <= after) continue;
      if (query.afterIsPrefix && object.key.startsWith(after)) continue;
    }
    let rolledUp: string | undefined;
    if (query.delimiter) {
      const at = object.key.indexOf(query.delimiter, query.prefix.length);
      if (at >= 0) rolledUp = object.key.slice(0, at + query.delimiter.length);
    }
    if (rolledUp !== undefined && rolledUp === commonPrefixes[commonPrefixes.length - 1]) continue;
    if (contents.length + commonPrefixes.length >= query.maxKeys) return { contents, commonPrefixes, isTruncated: true, ...(last ? { last } : {}) };
    if (rolledUp !== undefined) {
      commonPrefixes.push(rolledUp);
      last = { value: rolledUp, isPrefix: true };
    } else {
      contents.push(object);
      last = { value: object.key, isPrefix: false };
    }
  }
  return { contents, commonPrefixes, isTruncated: false, ...(last ? { last } : {}) };
}

/** An opaque continuation token for where a page ended. */
export function continuationToken(last: { readonly value: string; readonly isPrefix: boolean }): string {
  return Buffer.from(JSON.stringify([last.value, last.isPrefix])).toString('base64');
}

/** Reads a continuation token; undefined when it is not one of ours. */
export function readContinuationToken(token: string): { value: string; isPrefix: boolean } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'boolean') return { value: parsed[0], isPrefix: parsed[1] };
  } catch {
    // fall through: not ours
  }
  return undefined;
}
