import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeAwsChunked, isAwsChunked } from './aws-chunked';
import { CHECKSUM_ALGORITHMS, checksumDisplayName, computeChecksum, type Checksum } from './checksums';
import { S3Error } from './s3-error';
import { xmlDocument } from './xml';

/** A request to S3 as the operations see it: addressed, its payload decoded and checked. */
export interface S3Request {
  readonly method: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The payload: aws-chunked framing removed, Content-MD5 and any flexible checksum verified. */
  readonly body: Buffer;
  /** The flexible checksum sent with the payload (header or trailer), verified. */
  readonly checksum?: Checksum;
  /** The region the request was signed for (where CreateBucket puts a bucket). */
  readonly region: string;
  /** The endpoint's URL, for the Location S3 answers. */
  readonly endpoint: string;
}

/** What an operation answers; the body is left out for HEAD and 204s. */
export interface S3Response {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** The value of a header sent once. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Turns the raw body into the payload: removes aws-chunked framing (SigV4 streaming, chunk
 * signatures, trailing checksums), checks `x-amz-decoded-content-length`, `Content-MD5` and the
 * `x-amz-checksum-*` header or trailer, answering S3's errors for a mismatch.
 */
export function readPayload(headers: IncomingHttpHeaders, raw: Buffer, options: { readonly hexExpectedDigest?: boolean } = {}): { body: Buffer; checksum?: Checksum } {
  let body = raw;
  let trailers: Readonly<Record<string, string>> = {};
  if (isAwsChunked(headers) && raw.length > 0) {
    ({ payload: body, trailers } = decodeAwsChunked(raw));
    const declared = header(headers, 'x-amz-decoded-content-length');
    if (declared !== undefined && Number(declared) !== body.length) {
      throw new S3Error('IncompleteBody', `You did not provide the number of bytes specified by the x-amz-decoded-content-length header: ${declared} declared, ${body.length} received.`);
    }
  }
  const contentMd5 = header(headers, 'content-md5');
  if (contentMd5 !== undefined) {
    const expected = Buffer.from(contentMd5, 'base64');
    if (expected.length !== 16 || expected.toString('base64') !== contentMd5) {
      throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': contentMd5 });
    }
    const calculated = createHash('md5').update(body).digest('base64');
    if (calculated !== contentMd5) {
      // S3 names the expected digest in hex for PutObject and in base64 for UploadPart (recorded on AWS).
      const expectedDigest = options.hexExpectedDigest ? expected.toString('hex') : contentMd5;
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, { ExpectedDigest: expectedDigest, CalculatedDigest: calculated });
    }
  }
  const sent = CHECKSUM_ALGORITHMS.flatMap((algorithm) => {
    const value = trailers[`x-amz-checksum-${algorithm}`] ?? header(headers, `x-amz-checksum-${algorithm}`);
    return value === undefined ? [] : [{ algorithm, value }];
  });
  if (sent.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const checksum = sent[0];
  if (checksum === undefined) return { body };
  const calculated = computeChecksum(checksum.algorithm, body);
  if (calculated !== undefined && calculated !== checksum.value) {
    const decodedLength = Buffer.from(checksum.value, 'base64').length;
    if (decodedLength !== Buffer.from(calculated, 'base64').length) throw new S3Error('InvalidRequest', `Value for x-amz-checksum-${checksum.algorithm} header is invalid.`);
    throw new S3Error('BadDigest', `The ${checksumDisplayName(checksum.algorithm)} you specified did not match the calculated checksum.`);
  }
  return { body, checksum };
}

/** A 200 (or `status`) answer with an XML document in S3's namespace. */
export function xmlResponse(root: string, content: Parameters<typeof xmlDocument>[1], status = 200, headers: Readonly<Record<string, string>> = {}): S3Response {
  return { status, headers: { 'Content-Type': 'application/xml', ...headers }, body: xmlDocument(root, content) };
}
