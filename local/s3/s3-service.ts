import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Bucket, BucketConfigurationKind, MultipartUpload, S3Object } from './bucket';
import { isValidBucketName } from './bucket-name';
import { bucketAlreadyOwnedByYou, bucketNotEmpty, invalidBucketName, noSuchBucket, noSuchKey, noSuchUpload, S3Error } from './s3-error';

export interface S3ServiceOptions {
  /** The region buckets are created in when none is asked. */
  readonly region: string;
  readonly accountId: string;
  /** The cloud's time, for LastModified and CreationDate. @default Date.now */
  readonly now?: () => number;
  /**
   * The most object and part bytes held in memory at once; a write past it is refused (503 SlowDown
   * naming the limit) rather than letting the process run out of memory. @default 1 GiB
   */
  readonly maxBytes?: number;
}

/** What a write says about the object beyond its bytes. */
export interface PutObjectOptions {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly checksum?: S3Object['checksum'];
  readonly serverSideEncryption?: string;
  readonly kmsKeyId?: string;
  readonly tags?: S3Object['tags'];
}

/** Minimum size of every part of a multipart upload but the last (5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

/**
 * S3's buckets and objects, in memory, for one account. The REST API (s3-api.ts) and the
 * CloudFormation provider of AWS::S3::Bucket both call this; errors are S3Errors with S3's codes.
 */
export class S3Service {
  private readonly buckets = new Map<string, Bucket>();
  private bytes = 0;
  readonly region: string;
  readonly accountId: string;
  private readonly now: () => number;
  private readonly maxBytes: number;

  constructor(options: S3ServiceOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  }

  /** The canonical user id S3 shows as the owner of every bucket and object of the account. */
  get ownerId(): string {
    return createHash('sha256').update(`local-cloud-owner-${this.accountId}`).digest('hex');
  }

  /**
   * Creates a bucket. Re-creating one already owned answers it again when both are in us-east-1
   * (S3's legacy behaviour there), else 409 BucketAlreadyOwnedByYou.
   */
  createBucket(name: string, region: string = this.region): Bucket {
    if (!isValidBucketName(name)) throw invalidBucketName(name);
    const existing = this.buckets.get(name);
    if (existing !== undefined) {
      if (existing.region === 'us-east-1' && region === 'us-east-1') return existing;
      throw bucketAlreadyOwnedByYou(name);
    }
    const bucket: Bucket = { name, region, creationDate: new Date(this.now()), objects: new Map(), uploads: new Map(), configurations: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  /** Deletes an empty bucket; `force` empties it first (what CloudFormation's AutoDeleteObjects does). */
  deleteBucket(name: string, options: { readonly force?: boolean } = {}): void {
    const bucket = this.bucket(name);
    if (!options.force && bucket.objects.size > 0) throw bucketNotEmpty(name);
    for (const object of bucket.objects.values()) this.bytes -= object.body.length;
    for (const upload of bucket.uploads.values()) for (const part of upload.parts.values()) this.bytes -= part.body.length;
    this.buckets.delete(name);
  }

  /** The bucket, or NoSuchBucket. */
  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) throw noSuchBucket(name);
    return bucket;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  listBuckets(): Bucket[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Stores an object, replacing any of the same key. */
  putObject(bucketName: string, key: string, body: Buffer, options: PutObjectOptions = {}): S3Object {
    const bucket = this.bucket(bucketName);
    return this.store(bucket, key, body, `"${md5(body).toString('hex')}"`, options);
  }

  /** The object's bytes, or undefined when the bucket or key does not exist (for TemplateURL, Code.S3Key). */
  getObject(bucketName: string, key: string): Buffer | undefined {
    return this.buckets.get(bucketName)?.objects.get(key)?.body;
  }

  /** The stored object, or NoSuchBucket / NoSuchKey. */
  object(bucketName: string, key: string): S3Object {
    const object = this.bucket(bucketName).objects.get(key);
    if (object === undefined) throw noSuchKey(key);
    return object;
  }

  /** Deletes an object; deleting one that is not there succeeds, as in S3. */
  deleteObject(bucketName: string, key: string): void {
    const bucket = this.bucket(bucketName);
    const object = bucket.objects.get(key);
    if (object === undefined) return;
    this.bytes -= object.body.length;
    bucket.objects.delete(key);
  }

  /** Stores a bucket configuration document (the XML S3's Put takes, or the policy's JSON). */
  putBucketConfiguration(bucketName: string, kind: BucketConfigurationKind, document: string): void {
    this.bucket(bucketName).configurations.set(kind, document);
  }

  getBucketConfiguration(bucketName: string, kind: BucketConfigurationKind): string | undefined {
    return this.bucket(bucketName).configurations.get(kind);
  }

  deleteBucketConfiguration(bucketName: string, kind: BucketConfigurationKind): void {
    this.bucket(bucketName).configurations.delete(kind);
  }

  createMultipartUpload(bucketName: string, key: string, options: PutObjectOptions = {}): MultipartUpload {
    const bucket = this.bucket(bucketName);
    const upload: MultipartUpload = {
      uploadId: randomBytes(24).toString('base64url'),
      key,
      initiated: new Date(this.now()),
      object: this.describe(options),
      parts: new Map(),
    };
    bucket.uploads.set(upload.uploadId, upload);
    return upload;
  }

  /** The upload, or NoSuchUpload (also when it belongs to another key). */
  upload(bucketName: string, key: string, uploadId: string): MultipartUpload {
    const upload = this.bucket(bucketName).uploads.get(uploadId);
    if (upload === undefined || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  uploadPart(bucketName: string, key: string, uploadId: string, partNumber: number, body: Buffer): string {
    const upload = this.upload(bucketName, key, uploadId);
    const previous = upload.parts.get(partNumber);
    this.reserve(body.length - (previous?.body.length ?? 0));
    const digest = md5(body);
    const etag = `"${digest.toString('hex')}"`;
    upload.parts.set(partNumber, { partNumber, body, etag, md5: digest, lastModified: new Date(this.now()) });
    return etag;
  }

  /**
   * Joins the listed parts into the object. Parts must be listed in ascending order, each with the
   * ETag it was answered, every part but the last at least 5 MiB; the ETag is the MD5 of the parts'
   * MD5s followed by `-<number of parts>`.
   */
  completeMultipartUpload(bucketName: string, key: string, uploadId: string, listed: ReadonlyArray<{ readonly partNumber: number; readonly etag: string }>): S3Object {
    const bucket = this.bucket(bucketName);
    const upload = this.upload(bucketName, key, uploadId);
    if (listed.length === 0) throw new S3Error('InvalidRequest', 'You must specify at least one part');
    const parts = listed.map((entry, index) => {
      const previous = listed[index - 1];
      if (previous !== undefined && entry.partNumber <= previous.partNumber) {
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, { UploadId: uploadId });
      }
      const part = upload.parts.get(entry.partNumber);
      const unquoted = entry.etag.replace(/^"|"$/g, '');
      if (part === undefined || part.etag !== `"${unquoted}"`) {
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          400,
          { UploadId: uploadId, PartNumber: String(entry.partNumber), ETag: unquoted },
        );
      }
      return part;
    });
    parts.forEach((part, index) => {
      if (index < parts.length - 1 && part.body.length < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
          ProposedSize: String(part.body.length),
          MinSizeAllowed: String(MIN_PART_SIZE),
          PartNumber: String(part.partNumber),
          ETag: part.etag.replace(/"/g, ''),
        });
      }
    });
    const etag = `"${md5(Buffer.concat(parts.map((p) => p.md5))).toString('hex')}-${parts.length}"`;
    const body = Buffer.concat(parts.map((p) => p.body));
    // The parts' bytes become the object's: release them before the object reserves its own.
    this.releaseUpload(bucket, upload);
    return this.store(bucket, key, body, etag, upload.object);
  }

  abortMultipartUpload(bucketName: string, key: string, uploadId: string): void {
    const bucket = this.bucket(bucketName);
    this.releaseUpload(bucket, this.upload(bucketName, key, uploadId));
  }

  /** Object and part bytes held now. */
  get storedBytes(): number {
    return this.bytes;
  }

  private releaseUpload(bucket: Bucket, upload: MultipartUpload): void {
    for (const part of upload.parts.values()) this.bytes -= part.body.length;
    bucket.uploads.delete(upload.uploadId);
  }

  private store(bucket: Bucket, key: string, body: Buffer, etag: string, options: PutObjectOptions): S3Object {
    const previous = bucket.objects.get(key);
    this.reserve(body.length - (previous?.body.length ?? 0));
    const versioned = bucket.configurations.get('versioning')?.includes('<Status>Enabled</Status>') ?? false;
    const object: S3Object = {
      key,
      body,
      etag,
      lastModified: new Date(Math.floor(this.now() / 1000) * 1000),
      ...this.describe(options),
      ...(options.checksum === undefined ? {} : { checksum: options.checksum }),
      ...(versioned ? { versionId: randomUUID().replace(/-/g, '') } : {}),
    };
    bucket.objects.set(key, object);
    return object;
  }

  private describe(options: PutObjectOptions): MultipartUpload['object'] {
    return {
      contentType: options.contentType ?? 'binary/octet-stream',
      metadata: { ...options.metadata },
      headers: { ...options.headers },
      serverSideEncryption: options.serverSideEncryption ?? 'AES256',
      ...(options.kmsKeyId === undefined ? {} : { kmsKeyId: options.kmsKeyId }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
    };
  }

  private reserve(bytes: number): void {
    if (this.bytes + bytes > this.maxBytes) {
      throw new S3Error('SlowDown', `The local cloud keeps S3 objects in memory, at most ${this.maxBytes} bytes; this write would hold ${this.bytes + bytes}. Delete objects or start it with a larger limit.`, 503);
    }
    this.bytes += bytes;
  }
}
