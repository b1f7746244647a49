import type { S3Object } from './bucket';
import { encryptionHeaders, objectHeaders, objectOptions, parseTagging } from './object-headers';
import { invalidArgument, malformedXml, S3Error } from './s3-error';
import { parseRequestXml } from './request-xml';
import { header, xmlResponse, type S3Request, type S3Response } from './s3-request';
import type { S3Service } from './s3-service';
import { child, childText } from './xml';

/** A request naming an object. */
export type ObjectRequest = S3Request & { readonly bucket: string; readonly key: string };

const preconditionFailed = (condition: string) => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });

/** PutObject: stores the payload (already decoded and checked) with its metadata; ETag is its quoted MD5. */
export function putObject(s3: S3Service, request: ObjectRequest): S3Response {
  const options = objectOptions(request.headers, s3.getBucketConfiguration(request.bucket, 'encryption'));
  const object = s3.putObject(request.bucket, request.key, request.body, { ...options, ...(request.checksum ? { checksum: request.checksum } : {}) });
  return { status: 200, headers: writeHeaders(object) };
}

function writeHeaders(object: S3Object): Record<string, string> {
  return {
    ETag: object.etag,
    ...encryptionHeaders(object),
    ...(object.versionId === undefined ? {} : { 'x-amz-version-id': object.versionId }),
    ...(object.checksum === undefined ? {} : { [`x-amz-checksum-${object.checksum.algorithm}`]: object.checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT' }),
  };
}

/** The object a GET/HEAD reads, honouring versionId (only the current version is kept) and the conditional headers. */
function readable(s3: S3Service, request: ObjectRequest): { object: S3Object; notModified?: S3Response } {
  const object = s3.object(request.bucket, request.key);
  const versionId = request.query.get('versionId');
  if (versionId !== null && versionId !== (object.versionId ?? 'null')) {
    throw new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: request.key, VersionId: versionId });
  }
  const ifMatch = header(request.headers, 'if-match');
  const ifNoneMatch = header(request.headers, 'if-none-match');
  const ifModifiedSince = header(request.headers, 'if-modified-since');
  const ifUnmodifiedSince = header(request.headers, 'if-unmodified-since');
  const etagIn = (list: string) => list.split(',').some((e) => e.trim() === '*' || e.trim().replace(/^W\//, '') === object.etag || `"${e.trim()}"` === object.etag);
  if (ifMatch !== undefined && !etagIn(ifMatch)) throw preconditionFailed('If-Match');
  if (ifMatch === undefined && ifUnmodifiedSince !== undefined && object.lastModified.getTime() > Date.parse(ifUnmodifiedSince)) throw preconditionFailed('If-Unmodified-Since');
  const notModified = { status: 304, headers: { ETag: object.etag, 'Last-Modified': object.lastModified.toUTCString() } };
  if (ifNoneMatch !== undefined) return etagIn(ifNoneMatch) ? { object, notModified } : { object };
  if (ifModifiedSince !== undefined && object.lastModified.getTime() <= Date.parse(ifModifiedSince)) return { object, notModified };
  return { object };
}

/** A single `bytes=` range as S3 reads it; undefined when absent or not one S3 honours (then the whole object is sent). */
function byteRange(range: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = range === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  const unsatisfiable = () => new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range!, ActualObjectSize: String(size) });
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end };
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-disposition': 'content-disposition',
  'response-cache-control': 'cache-control',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
};

/** GetObject and HeadObject: the object's headers; GET adds its bytes (206 with Content-Range for a Range). */
export function getObject(s3: S3Service, request: ObjectRequest): S3Response {
  const { object, notModified } = readable(s3, request);
  if (notModified !== undefined) return notModified;
  const range = byteRange(header(request.headers, 'range'), object.body.length);
  const checksumMode = header(request.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  // The stored checksum describes the whole object: S3 answers it when the bytes sent are all of them.
  const whole = range === undefined || (range.start === 0 && range.end === object.body.length - 1);
  const headers = objectHeaders(object, checksumMode && whole);
  for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = request.query.get(parameter);
    if (value !== null) headers[name] = value;
  }
  const body = range === undefined ? object.body : object.body.subarray(range.start, range.end + 1);
  headers['Content-Length'] = String(body.length);
  if (range !== undefined) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${object.body.length}`;
  return { status: range === undefined ? 200 : 206, headers, body: request.method === 'HEAD' ? Buffer.alloc(0) : body };
}

export function deleteObject(s3: S3Service, request: ObjectRequest): S3Response {
  s3.deleteObject(request.bucket, request.key);
  return { status: 204 };
}

/** Reads `x-amz-copy-source` (`bucket/key` or `/bucket/key`, URL-encoded, optional `?versionId=`). */
export function copySource(s3: S3Service, value: string): S3Object {
  const [path = ''] = value.split('?');
  const trimmed = path.replace(/^\//, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', value);
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(trimmed.slice(0, slash));
    key = decodeURIComponent(trimmed.slice(slash + 1));
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', value);
  }
  return s3.object(bucket, key);
}

/**
 * CopyObject: metadata, content headers and tags come from the source (`x-amz-metadata-directive:
 * COPY`, the default) or from the request (`REPLACE`). Copying an object onto itself changing nothing
 * is refused, as S3 does.
 */
export function copyObject(s3: S3Service, request: ObjectRequest, sourceHeader: string): S3Response {
  const source = copySource(s3, sourceHeader);
  s3.bucket(request.bucket);
  const replace = header(request.headers, 'x-amz-metadata-directive') === 'REPLACE';
  const replaceTags = header(request.headers, 'x-amz-tagging-directive') === 'REPLACE';
  const requested = objectOptions(request.headers, s3.getBucketConfiguration(request.bucket, 'encryption'));
  const destination = s3.bucket(request.bucket).objects.get(request.key);
  const changesEncryption = header(request.headers, 'x-amz-server-side-encryption') !== undefined;
  if (destination === source && !replace && !changesEncryption && header(request.headers, 'x-amz-storage-class') === undefined) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const tags = replaceTags ? parseTagging(header(request.headers, 'x-amz-tagging')) : source.tags;
  const copied = s3.putObject(request.bucket, request.key, source.body, {
    ...(replace ? { contentType: requested.contentType ?? 'binary/octet-stream', metadata: requested.metadata ?? {}, headers: requested.headers ?? {} } : { contentType: source.contentType, metadata: source.metadata, headers: source.headers }),
    ...(requested.serverSideEncryption === undefined ? {} : { serverSideEncryption: requested.serverSideEncryption }),
    ...(requested.kmsKeyId === undefined ? {} : { kmsKeyId: requested.kmsKeyId }),
    ...(tags === undefined ? {} : { tags }),
    ...(source.checksum === undefined ? {} : { checksum: source.checksum }),
  });
  return xmlResponse('CopyObjectResult', { ETag: copied.etag, LastModified: copied.lastModified }, 200, {
    ...encryptionHeaders(copied),
    ...(copied.versionId === undefined ? {} : { 'x-amz-version-id': copied.versionId }),
    ...(source.versionId === undefined ? {} : { 'x-amz-copy-source-version-id': source.versionId }),
  });
}

/** GetObjectTagging, PutObjectTagging, DeleteObjectTagging. */
export function objectTagging(s3: S3Service, request: ObjectRequest): S3Response {
  const object = s3.object(request.bucket, request.key);
  const bucket = s3.bucket(request.bucket);
  if (request.method === 'GET') return xmlResponse('Tagging', { TagSet: { Tag: [...(object.tags ?? [])] } });
  let tags: Array<{ Key: string; Value: string }> = [];
  if (request.method === 'PUT') {
    const tagSet = child(parseRequestXml(request.body, 'Tagging'), 'TagSet');
    if (tagSet === undefined) throw malformedXml();
    tags = tagSet.children.filter((t) => t.name === 'Tag').map((t) => ({ Key: childText(t, 'Key') ?? '', Value: childText(t, 'Value') ?? '' }));
  }
  bucket.objects.set(request.key, { ...object, tags });
  return { status: request.method === 'PUT' ? 200 : 204 };
}
