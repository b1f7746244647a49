import type { S3Object } from './bucket';
import { continuationToken, listObjects, readContinuationToken, type ListPage } from './list-objects';
import { invalidArgument, malformedXml, S3Error } from './s3-error';
import { parseRequestXml } from './request-xml';
import { xmlResponse, type S3Request, type S3Response } from './s3-request';
import type { S3Service } from './s3-service';
import { child, childText } from './xml';

type BucketRequest = S3Request & { readonly bucket: string };

const incompatible = (constraint: string) =>
  new S3Error('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`);

/**
 * CreateBucket: the bucket goes to the LocationConstraint, or us-east-1 without one. As on AWS, the
 * us-east-1 endpoint takes any constraint but `us-east-1` itself; another region's endpoint only its own.
 */
export function createBucket(s3: S3Service, request: BucketRequest): S3Response {
  const configuration = request.body.length === 0 ? undefined : parseRequestXml(request.body, 'CreateBucketConfiguration');
  const constraint = configuration === undefined ? undefined : childText(configuration, 'LocationConstraint') || undefined;
  if (constraint === 'us-east-1' || constraint === 'aws-global') {
    throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: constraint });
  }
  if (request.region !== 'us-east-1' && constraint !== request.region) throw incompatible(constraint ?? 'unspecified');
  s3.createBucket(request.bucket, constraint ?? 'us-east-1');
  return { status: 200, headers: { Location: `/${request.bucket}`, 'x-amz-bucket-arn': `arn:aws:s3:::${request.bucket}` } };
}

export function headBucket(s3: S3Service, request: BucketRequest): S3Response {
  const bucket = s3.bucket(request.bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false', 'x-amz-bucket-arn': `arn:aws:s3:::${bucket.name}` } };
}

export function getBucketLocation(s3: S3Service, request: BucketRequest): S3Response {
  const { region } = s3.bucket(request.bucket);
  return xmlResponse('LocationConstraint', region === 'us-east-1' ? '' : region);
}

export function deleteBucket(s3: S3Service, request: BucketRequest): S3Response {
  s3.deleteBucket(request.bucket);
  return { status: 204 };
}

export function listBuckets(s3: S3Service, request: S3Request): S3Response {
  const prefix = request.query.get('prefix') ?? '';
  const buckets = s3.listBuckets().filter((b) => b.name.startsWith(prefix));
  return xmlResponse('ListAllMyBucketsResult', {
    Owner: { ID: s3.ownerId, DisplayName: 'local' },
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.creationDate, BucketRegion: b.region })) },
    ...(prefix === '' ? {} : { Prefix: prefix }),
  });
}

/** S3's `encoding-type=url`: keys percent-encoded, space as '+', slashes kept (the AWS CLI asks for it). */
const urlEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+').replace(/%2F/g, '/');

function listParameters(request: S3Request) {
  const { query } = request;
  const encodingType = query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  const maxKeysText = query.get('max-keys');
  const maxKeys = maxKeysText === null ? 1000 : Number(maxKeysText);
  if (!/^\d+$/.test(maxKeysText ?? '0')) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxKeysText ?? '');
  const encode = encodingType === 'url' ? urlEncode : (text: string) => text;
  return { prefix: query.get('prefix') ?? '', delimiter: query.get('delimiter') || undefined, maxKeys: Math.min(maxKeys, 1000), encodingType, encode };
}

function entries(s3: S3Service, page: ListPage, encode: (text: string) => string, withOwner: boolean) {
  return {
    Contents: page.contents.map((o: S3Object) => ({
      Key: encode(o.key),
      LastModified: o.lastModified,
      ETag: o.etag,
      ...(o.checksum === undefined ? {} : { ChecksumAlgorithm: o.checksum.algorithm.toUpperCase(), ChecksumType: 'FULL_OBJECT' }),
      Size: o.body.length,
      StorageClass: 'STANDARD',
      ...(withOwner ? { Owner: { ID: s3.ownerId, DisplayName: 'local' } } : {}),
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

/** ListObjectsV2: prefix, delimiter, max-keys, start-after, continuation-token, encoding-type, fetch-owner. */
export function listObjectsV2(s3: S3Service, request: BucketRequest): S3Response {
  const bucket = s3.bucket(request.bucket);
  const { prefix, delimiter, maxKeys, encodingType, encode } = listParameters(request);
  const token = request.query.get('continuation-token') ?? undefined;
  const startAfter = request.query.get('start-after') ?? undefined;
  let after: { value: string; isPrefix: boolean } | undefined;
  if (token !== undefined) {
    after = readContinuationToken(token);
    if (after === undefined) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token');
  } else if (startAfter) after = { value: startAfter, isPrefix: false };
  const page = listObjects(bucket.objects.values(), { prefix, ...(delimiter ? { delimiter } : {}), ...(after ? { after: after.value, afterIsPrefix: after.isPrefix } : {}), maxKeys });
  return xmlResponse('ListBucketResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(encodingType ? { EncodingType: encodingType } : {}),
    KeyCount: page.contents.length + page.commonPrefixes.length,
    IsTruncated: page.isTruncated,
    ...(token !== undefined ? { ContinuationToken: token } : {}),
    ...(page.isTruncated && page.last ? { NextContinuationToken: continuationToken(page.last) } : {}),
    ...(startAfter ? { StartAfter: encode(startAfter) } : {}),
    ...entries(s3, page, encode, request.query.get('fetch-owner') === 'true'),
  });
}

/** ListObjects (v1): marker and NextMarker (given only with a delimiter, as S3 does). */
export function listObjectsV1(s3: S3Service, request: BucketRequest): S3Response {
  const bucket = s3.bucket(request.bucket);
  const { prefix, delimiter, maxKeys, encodingType, encode } = listParameters(request);
  const marker = request.query.get('marker') ?? '';
  // A marker that is a common prefix skips the keys rolled up in it, as the NextMarker S3 gave meant.
  const markerIsPrefix = delimiter !== undefined && marker.endsWith(delimiter) && marker.startsWith(prefix) && marker.length > prefix.length;
  const page = listObjects(bucket.objects.values(), { prefix, ...(delimiter ? { delimiter } : {}), ...(marker ? { after: marker, afterIsPrefix: markerIsPrefix } : {}), maxKeys });
  return xmlResponse('ListBucketResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    Marker: encode(marker),
    ...(page.isTruncated && delimiter && page.last ? { NextMarker: encode(page.last.value) } : {}),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    ...(encodingType ? { EncodingType: encodingType } : {}),
    IsTruncated: page.isTruncated,
    ...entries(s3, page, encode, true),
  });
}

/** DeleteObjects: up to 1000 keys; a key that is not there is reported deleted, as in S3. */
export function deleteObjects(s3: S3Service, request: BucketRequest): S3Response {
  s3.bucket(request.bucket);
  const document = parseRequestXml(request.body, 'Delete');
  const objects = document.children.filter((c) => c.name === 'Object');
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  const quiet = childText(document, 'Quiet') === 'true';
  const deleted: Array<{ Key: string }> = [];
  for (const object of objects) {
    const key = child(object, 'Key')?.text;
    if (key === undefined) throw malformedXml();
    s3.deleteObject(request.bucket, key);
    deleted.push({ Key: key });
  }
  return xmlResponse('DeleteResult', { Deleted: quiet ? [] : deleted });
}

/** The ACL every bucket and object has here: the owner with FULL_CONTROL (ACLs are accepted, not kept). */
export function ownerAcl(s3: S3Service): S3Response {
  const owner = { ID: s3.ownerId, DisplayName: 'local' };
  return xmlResponse('AccessControlPolicy', { Owner: owner, AccessControlList: { Grant: { Grantee: owner, Permission: 'FULL_CONTROL' } } });
}

/**
 * ListObjectVersions: only current versions are kept here, so each object is its one version
 * (`IsLatest`, VersionId `null` when written before versioning was enabled). Prefix, delimiter and
 * max-keys as in ListObjects; key-marker pages.
 */
export function listObjectVersions(s3: S3Service, request: BucketRequest): S3Response {
  const bucket = s3.bucket(request.bucket);
  const { prefix, delimiter, maxKeys, encodingType, encode } = listParameters(request);
  const keyMarker = request.query.get('key-marker') ?? '';
  const page = listObjects(bucket.objects.values(), { prefix, ...(delimiter ? { delimiter } : {}), ...(keyMarker ? { after: keyMarker } : {}), maxKeys });
  return xmlResponse('ListVersionsResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: '',
    ...(page.isTruncated && page.last ? { NextKeyMarker: encode(page.last.value), NextVersionIdMarker: 'null' } : {}),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    ...(encodingType ? { EncodingType: encodingType } : {}),
    IsTruncated: page.isTruncated,
    Version: page.contents.map((o) => ({
      Key: encode(o.key),
      VersionId: o.versionId ?? 'null',
      IsLatest: true,
      LastModified: o.lastModified,
      ETag: o.etag,
      Size: o.body.length,
      StorageClass: 'STANDARD',
      Owner: { ID: s3.ownerId, DisplayName: 'local' },
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}
