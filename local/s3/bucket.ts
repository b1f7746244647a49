import type { Checksum } from './checksums';

/** An object as stored: its bytes and the headers S3 gives back with it. */
export interface S3Object {
  readonly key: string;
  readonly body: Buffer;
  /** Quoted, as S3 sends it: `"<md5 hex>"`, or `"<md5 of the parts' md5s>-<parts>"` for a multipart upload. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  /** `x-amz-meta-*` values, by lowercase name without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires, as given. */
  readonly headers: Readonly<Record<string, string>>;
  readonly checksum?: Checksum;
  readonly versionId?: string;
  /** `AES256` or `aws:kms`; S3 encrypts every new object. */
  readonly serverSideEncryption: string;
  readonly kmsKeyId?: string;
  readonly tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
}

/** A part received for a multipart upload. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly body: Buffer;
  readonly etag: string;
  readonly md5: Buffer;
  readonly lastModified: Date;
}

/** A multipart upload in progress: what CreateMultipartUpload said about the object, and its parts. */
export interface MultipartUpload {
  readonly uploadId: string;
  readonly key: string;
  readonly initiated: Date;
  readonly object: Omit<S3Object, 'key' | 'body' | 'etag' | 'lastModified' | 'checksum' | 'versionId'>;
  readonly parts: Map<number, UploadedPart>;
}

/**
 * The bucket configurations kept as sent: the XML document of each Put (the JSON document for the
 * policy) is what the matching Get answers, since S3 uses one shape for both.
 */
export type BucketConfigurationKind = 'versioning' | 'encryption' | 'publicAccessBlock' | 'lifecycle' | 'policy' | 'tagging' | 'ownershipControls' | 'cors';

/** A bucket: its objects by key, its uploads in progress and its configurations. */
export interface Bucket {
  readonly name: string;
  readonly region: string;
  readonly creationDate: Date;
  readonly objects: Map<string, S3Object>;
  readonly uploads: Map<string, MultipartUpload>;
  readonly configurations: Map<BucketConfigurationKind, string>;
}
