import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signingScope } from '../gateway/signing-scope';
import { bucketConfiguration, configurationOf } from './bucket-configuration';
import { createBucket, deleteBucket, deleteObjects, getBucketLocation, headBucket, listBuckets, listObjectVersions, listObjectsV1, listObjectsV2, ownerAcl } from './bucket-operations';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from './multipart-operations';
import { copyObject, deleteObject, getObject, objectTagging, putObject, type ObjectRequest } from './object-operations';
import { s3Address } from './s3-address';
import { S3Error } from './s3-error';
import { header, readPayload, type S3Request, type S3Response } from './s3-request';
import type { S3Service } from './s3-service';

/** Subresources S3 has and this one does not serve (answered NotImplemented, never as a listing or a read). */
const UNSERVED_SUBRESOURCES = ['website', 'logging', 'notification', 'replication', 'object-lock', 'accelerate', 'requestPayment', 'analytics', 'metrics', 'inventory', 'intelligent-tiering', 'attributes', 'retention', 'legal-hold', 'torrent', 'restore', 'select'];

const notImplemented = (what: string) => new S3Error('NotImplemented', `A header or query you provided implies functionality that is not implemented: ${what}.`, 501);

/**
 * S3's REST-XML API over an S3Service: addresses a request (path style or virtual-hosted), decodes its
 * payload, picks the operation by method and subresource, and answers in S3's XML with S3's errors.
 * Signatures are not checked, as elsewhere on the endpoint.
 */
export class S3Api {
  constructor(
    private readonly s3: S3Service,
    private readonly endpoint: () => string,
  ) {}

  /** Serves one request whose whole body has been read. Never throws: every failure is an S3 error answer. */
  async serve(request: IncomingMessage, raw: Buffer, response: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    let answer: S3Response;
    try {
      answer = this.route(request, raw);
    } catch (error) {
      let s3Error: S3Error;
      if (error instanceof S3Error) s3Error = error;
      else {
        // A bug of the local cloud: answer as S3 does (500 InternalError) and keep serving.
        process.emitWarning(`local cloud S3 internal error: ${(error as Error)?.stack ?? String(error)}`);
        s3Error = new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
      }
      // HEAD answers carry no body: the SDKs name the error by its status (NotFound, Forbidden).
      answer = { status: s3Error.status, headers: { 'Content-Type': 'application/xml' }, ...(request.method === 'HEAD' ? {} : { body: s3Error.toXml(requestId) }) };
    }
    if (response.headersSent || response.destroyed) return;
    const body = answer.body === undefined ? undefined : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body, 'utf8');
    response.writeHead(answer.status, {
      'x-amz-request-id': requestId,
      'x-amz-id-2': requestId,
      ...(body === undefined || answer.headers?.['Content-Length'] !== undefined ? {} : { 'Content-Length': String(body.length) }),
      ...answer.headers,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  private route(incoming: IncomingMessage, raw: Buffer): S3Response {
    const method = incoming.method ?? 'GET';
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const address = s3Address(header(incoming.headers, 'host'), incoming.url ?? '/');
    const isPutObject = method === 'PUT' && !!address.key && !url.searchParams.has('uploadId') && incoming.headers['x-amz-copy-source'] === undefined;
    const { body, checksum } = readPayload(incoming.headers, raw, { hexExpectedDigest: isPutObject });
    const request: S3Request = {
      method,
      ...(address.bucket === undefined ? {} : { bucket: address.bucket }),
      ...(address.key === undefined || address.key === '' ? {} : { key: address.key }),
      query: url.searchParams,
      headers: incoming.headers,
      body,
      ...(checksum === undefined ? {} : { checksum }),
      region: signingScope(incoming)?.region ?? this.s3.region,
      endpoint: this.endpoint(),
    };
    this.checkExpectedOwner(request);
    if (request.bucket === undefined) {
      if (method === 'GET') return listBuckets(this.s3, request);
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'SERVICE' });
    }
    const bucketRequest = request as S3Request & { bucket: string };
    if (request.key === undefined) return this.bucketOperation(bucketRequest);
    const keyBytes = Buffer.byteLength(request.key);
    if (keyBytes > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400, { Size: String(keyBytes), MaxSizeAllowed: '1024' });
    return this.objectOperation(bucketRequest as ObjectRequest);
  }

  private checkExpectedOwner(request: S3Request): void {
    const expected = header(request.headers, 'x-amz-expected-bucket-owner');
    if (expected === undefined) return;
    if (!/^\d{12}$/.test(expected)) throw new S3Error('InvalidBucketOwnerAWSAccountID', `The value of the expected bucket owner parameter must be an AWS Account ID... [${expected}]`);
    if (expected !== this.s3.accountId) throw new S3Error('AccessDenied', 'Access Denied', 403);
  }

  private bucketOperation(request: S3Request & { bucket: string }): S3Response {
    const { method, query } = request;
    const configuration = configurationOf(query);
    if (configuration !== undefined) return bucketConfiguration(this.s3, configuration, request);
    if (query.has('acl')) {
      this.s3.bucket(request.bucket);
      return method === 'GET' ? ownerAcl(this.s3) : { status: 200 };
    }
    switch (method) {
      case 'PUT':
        return createBucket(this.s3, request);
      case 'HEAD':
        return headBucket(this.s3, request);
      case 'DELETE':
        return deleteBucket(this.s3, request);
      case 'POST':
        if (query.has('delete')) return deleteObjects(this.s3, request);
        break;
      case 'GET':
        if (query.has('location')) return getBucketLocation(this.s3, request);
        if (query.has('uploads')) return listMultipartUploads(this.s3, request);
        if (query.has('versions')) return listObjectVersions(this.s3, request);
        if (query.get('list-type') === '2') return listObjectsV2(this.s3, request);
        this.unsupportedSubresource(query);
        return listObjectsV1(this.s3, request);
    }
    throw notImplemented(`${method} on a bucket with ?${[...query.keys()].join('&')}`);
  }

  private objectOperation(request: ObjectRequest): S3Response {
    const { method, query } = request;
    const uploadId = query.get('uploadId');
    if (query.has('tagging')) return objectTagging(this.s3, request);
    if (query.has('acl')) {
      this.s3.object(request.bucket, request.key);
      return method === 'GET' ? ownerAcl(this.s3) : { status: 200 };
    }
    switch (method) {
      case 'PUT': {
        if (uploadId !== null) return uploadPart(this.s3, request, uploadId);
        const source = header(request.headers, 'x-amz-copy-source');
        return source === undefined ? putObject(this.s3, request) : copyObject(this.s3, request, source);
      }
      case 'GET':
        if (uploadId !== null) return listParts(this.s3, request, uploadId);
        this.unsupportedSubresource(query);
        return getObject(this.s3, request);
      case 'HEAD':
        return getObject(this.s3, request);
      case 'DELETE':
        return uploadId !== null ? abortMultipartUpload(this.s3, request, uploadId) : deleteObject(this.s3, request);
      case 'POST':
        if (query.has('uploads')) return createMultipartUpload(this.s3, request);
        if (uploadId !== null) return completeMultipartUpload(this.s3, request, uploadId);
        break;
    }
    throw notImplemented(`${method} on an object with ?${[...query.keys()].join('&')}`);
  }

  /** A GET naming a subresource not served here must not be answered as a plain listing or object read. */
  private unsupportedSubresource(query: URLSearchParams): void {
    const asked = UNSERVED_SUBRESOURCES.find((name) => query.has(name));
    if (asked !== undefined) throw notImplemented(`?${asked}`);
  }
}
