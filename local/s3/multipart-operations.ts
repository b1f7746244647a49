import { copySource, type ObjectRequest } from './object-operations';
import { encryptionHeaders, objectOptions } from './object-headers';
import { invalidArgument, malformedXml, S3Error } from './s3-error';
import { parseRequestXml } from './request-xml';
import { header, xmlResponse, type S3Request, type S3Response } from './s3-request';
import type { S3Service } from './s3-service';
import { childText } from './xml';

const owner = (s3: S3Service) => ({ ID: s3.ownerId, DisplayName: 'local' });

/** CreateMultipartUpload: what the object will be (type, metadata, encryption) is said now. */
export function createMultipartUpload(s3: S3Service, request: ObjectRequest): S3Response {
  const options = objectOptions(request.headers, s3.getBucketConfiguration(request.bucket, 'encryption'));
  const upload = s3.createMultipartUpload(request.bucket, request.key, options);
  const algorithm = header(request.headers, 'x-amz-checksum-algorithm');
  return xmlResponse('InitiateMultipartUploadResult', { Bucket: request.bucket, Key: request.key, UploadId: upload.uploadId }, 200, {
    ...encryptionHeaders(upload.object),
    ...(algorithm === undefined ? {} : { 'x-amz-checksum-algorithm': algorithm }),
  });
}

function partNumber(request: S3Request): number {
  const text = request.query.get('partNumber') ?? '';
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < 1 || number > 10000) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', text);
  }
  return number;
}

/** UploadPart, and UploadPartCopy when `x-amz-copy-source` names the bytes (optionally a `x-amz-copy-source-range`). */
export function uploadPart(s3: S3Service, request: ObjectRequest, uploadId: string): S3Response {
  const number = partNumber(request);
  s3.upload(request.bucket, request.key, uploadId);
  const source = header(request.headers, 'x-amz-copy-source');
  if (source === undefined) {
    const etag = s3.uploadPart(request.bucket, request.key, uploadId, number, request.body);
    return {
      status: 200,
      headers: { ETag: etag, ...(request.checksum === undefined ? {} : { [`x-amz-checksum-${request.checksum.algorithm}`]: request.checksum.value }) },
    };
  }
  const object = copySource(s3, source);
  const range = header(request.headers, 'x-amz-copy-source-range');
  let body = object.body;
  if (range !== undefined) {
    const match = /^bytes=(\d+)-(\d+)$/.exec(range);
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    if (match === null || end < start) {
      throw invalidArgument(
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        'x-amz-copy-source-range',
        range,
      );
    }
    if (end >= object.body.length) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(object.body.length) });
    body = object.body.subarray(start, end + 1);
  }
  const etag = s3.uploadPart(request.bucket, request.key, uploadId, number, Buffer.from(body));
  return xmlResponse('CopyPartResult', { ETag: etag, LastModified: new Date() });
}

/** CompleteMultipartUpload: the parts listed, in order, become the object. */
export function completeMultipartUpload(s3: S3Service, request: ObjectRequest, uploadId: string): S3Response {
  s3.upload(request.bucket, request.key, uploadId);
  // No body at all (the SDK without MultipartUpload) is a request without parts, as S3 reads it.
  const document = request.body.length === 0 ? undefined : parseRequestXml(request.body, 'CompleteMultipartUpload');
  const parts = (document?.children ?? [])
    .filter((c) => c.name === 'Part')
    .map((part) => {
      const number = Number(childText(part, 'PartNumber'));
      const etag = childText(part, 'ETag');
      if (!Number.isInteger(number) || etag === undefined) throw malformedXml();
      return { partNumber: number, etag };
    });
  const object = s3.completeMultipartUpload(request.bucket, request.key, uploadId, parts);
  return xmlResponse(
    'CompleteMultipartUploadResult',
    { Location: `${request.endpoint}/${request.bucket}/${encodeURI(request.key)}`, Bucket: request.bucket, Key: request.key, ETag: object.etag },
    200,
    { ...encryptionHeaders(object), ...(object.versionId === undefined ? {} : { 'x-amz-version-id': object.versionId }) },
  );
}

export function abortMultipartUpload(s3: S3Service, request: ObjectRequest, uploadId: string): S3Response {
  s3.abortMultipartUpload(request.bucket, request.key, uploadId);
  return { status: 204 };
}

/** ListParts: every part received so far (one page; S3's limit of 1000 parts a page is not applied). */
export function listParts(s3: S3Service, request: ObjectRequest, uploadId: string): S3Response {
  const upload = s3.upload(request.bucket, request.key, uploadId);
  const parts = [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
  return xmlResponse('ListPartsResult', {
    Bucket: request.bucket,
    Key: request.key,
    UploadId: uploadId,
    PartNumberMarker: 0,
    ...(parts.length > 0 ? { NextPartNumberMarker: parts[parts.length - 1]!.partNumber } : {}),
    MaxParts: 1000,
    IsTruncated: false,
    Part: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: p.lastModified, ETag: p.etag, Size: p.body.length })),
    Initiator: owner(s3),
    Owner: owner(s3),
    StorageClass: 'STANDARD',
  });
}

/** ListMultipartUploads: the bucket's uploads in progress under `prefix`, by key then time (one page). */
export function listMultipartUploads(s3: S3Service, request: S3Request & { readonly bucket: string }): S3Response {
  const bucket = s3.bucket(request.bucket);
  const prefix = request.query.get('prefix') ?? '';
  const uploads = [...bucket.uploads.values()]
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime()));
  return xmlResponse('ListMultipartUploadsResult', {
    Bucket: bucket.name,
    KeyMarker: '',
    UploadIdMarker: '',
    ...(prefix === '' ? {} : { Prefix: prefix }),
    MaxUploads: 1000,
    IsTruncated: false,
    Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: owner(s3), Owner: owner(s3), StorageClass: 'STANDARD', Initiated: u.initiated })),
  });
}
