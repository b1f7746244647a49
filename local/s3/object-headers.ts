import type { IncomingHttpHeaders } from 'node:http';
import type { S3Object } from './bucket';
import { invalidArgument } from './s3-error';
import { header } from './s3-request';
import type { PutObjectOptions } from './s3-service';
import { childText, parseXml } from './xml';

/** Headers S3 keeps with an object and gives back as sent. */
const KEPT = ['content-disposition', 'cache-control', 'content-language', 'expires', 'x-amz-website-redirect-location'];

/** Reads `x-amz-tagging` (`k1=v1&k2=v2`). */
export function parseTagging(value: string | undefined): S3Object['tags'] {
  if (value === undefined) return undefined;
  const tags = [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value }));
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) {
    throw invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", 'x-amz-tagging', value);
  }
  return tags;
}

/**
 * What a PutObject or CreateMultipartUpload says about the object: Content-Type, x-amz-meta-*, the
 * headers S3 keeps, tags, and encryption (the request's, else the bucket's default configuration).
 */
export function objectOptions(headers: IncomingHttpHeaders, bucketEncryption: string | undefined): PutObjectOptions {
  const metadata: Record<string, string> = {};
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = text;
    else if (KEPT.includes(name)) kept[name] = text;
  }
  // aws-chunked is how the body travelled, not how the object is encoded.
  const encoding = (header(headers, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked')
    .join(',');
  if (encoding !== '') kept['content-encoding'] = encoding;
  let sse = header(headers, 'x-amz-server-side-encryption');
  let kmsKeyId = header(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (sse === undefined && bucketEncryption !== undefined) {
    const rule = parseXml(bucketEncryption);
    const byDefault = rule.children.find((c) => c.name === 'Rule')?.children.find((c) => c.name === 'ApplyServerSideEncryptionByDefault');
    if (byDefault !== undefined) {
      sse = childText(byDefault, 'SSEAlgorithm');
      kmsKeyId = childText(byDefault, 'KMSMasterKeyID') ?? kmsKeyId;
    }
  }
  if (sse !== undefined && sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw invalidArgument('The encryption method specified is not supported', 'x-amz-server-side-encryption', sse);
  }
  const tags = parseTagging(header(headers, 'x-amz-tagging'));
  const contentType = header(headers, 'content-type');
  return {
    ...(contentType === undefined ? {} : { contentType }),
    metadata,
    headers: kept,
    ...(sse === undefined ? {} : { serverSideEncryption: sse }),
    ...(sse !== 'AES256' && kmsKeyId !== undefined ? { kmsKeyId } : {}),
    ...(tags === undefined ? {} : { tags }),
  };
}

/** The encryption headers S3 answers for an object. */
export function encryptionHeaders(object: Pick<S3Object, 'serverSideEncryption' | 'kmsKeyId'>): Record<string, string> {
  return {
    'x-amz-server-side-encryption': object.serverSideEncryption,
    ...(object.kmsKeyId === undefined ? {} : { 'x-amz-server-side-encryption-aws-kms-key-id': object.kmsKeyId }),
  };
}

/** The headers of a GetObject or HeadObject answer, but the length and range. */
export function objectHeaders(object: S3Object, withChecksum: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': object.contentType,
    ETag: object.etag,
    'Last-Modified': object.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    ...object.headers,
    ...encryptionHeaders(object),
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (object.versionId !== undefined) headers['x-amz-version-id'] = object.versionId;
  if (object.tags !== undefined && object.tags.length > 0) headers['x-amz-tagging-count'] = String(object.tags.length);
  if (withChecksum && object.checksum !== undefined) {
    headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return headers;
}
