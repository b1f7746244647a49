import { S3Error } from './s3-error';

/** A decoded aws-chunked body: the object's bytes and the trailing headers (checksums) sent after them. */
export interface DecodedPayload {
  readonly payload: Buffer;
  readonly trailers: Readonly<Record<string, string>>;
}

const CRLF = Buffer.from('\r\n');

const incomplete = (why: string) => new S3Error('IncompleteBody', `The request body is not a valid aws-chunked encoding: ${why}.`);

/**
 * Decodes an `aws-chunked` body (SigV4 streaming uploads): chunks of `<hex size>[;chunk-signature=..]\r\n
 * <bytes>\r\n`, a zero-size chunk, then optional trailer lines `name:value\r\n` (the flexible checksum
 * named by `x-amz-trailer`, and `x-amz-trailer-signature`) and a blank line. Chunk signatures are read
 * past, not verified (the endpoint checks no signature). Lenient about the final CRLF, which SDKs differ on.
 */
export function decodeAwsChunked(body: Buffer): DecodedPayload {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, at);
    if (lineEnd < 0) throw incomplete(`chunk header at byte ${at} has no CRLF`);
    const header = body.subarray(at, lineEnd).toString('latin1');
    const sizeText = header.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw incomplete(`chunk size '${sizeText.slice(0, 20)}' is not hexadecimal`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) break;
    if (at + size > body.length) throw incomplete(`a chunk of ${size} bytes runs past the end of the body`);
    parts.push(body.subarray(at, at + size));
    at += size;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw incomplete(`chunk data at byte ${at} is not followed by CRLF`);
    at += 2;
  }
  const trailers: Record<string, string> = {};
  while (at < body.length) {
    let lineEnd = body.indexOf(CRLF, at);
    if (lineEnd < 0) lineEnd = body.length;
    const line = body.subarray(at, lineEnd).toString('latin1');
    at = lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon < 0) throw incomplete(`trailer line '${line.slice(0, 40)}' has no colon`);
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(parts), trailers };
}

/** Whether a request's body is aws-chunked: a STREAMING-* payload hash or the aws-chunked content encoding. */
export function isAwsChunked(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}
