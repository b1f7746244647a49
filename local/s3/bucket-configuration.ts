import type { BucketConfigurationKind } from './bucket';
import type { S3Service } from './s3-service';
import { malformedXml, S3Error } from './s3-error';
import { xmlResponse, type S3Request, type S3Response } from './s3-request';
import { childText, parseXml, XmlSyntaxError, type XmlElement } from './xml';

interface ConfigurationShape {
  /** The query parameter naming it (`?versioning`). */
  readonly parameter: string;
  readonly kind: BucketConfigurationKind;
  /** The root element of the Put's body and the Get's answer; undefined for the policy (JSON). */
  readonly root?: string;
  /** Checks the parsed document beyond its root. */
  readonly validate?: (document: XmlElement) => void;
  /** What Get answers when none was put: a document, or S3's "not found" error. */
  readonly missing: (bucket: string) => S3Response | S3Error;
  /** Put's status: S3 answers 204 for some. */
  readonly putStatus: number;
}

const notFound = (code: string, message: string) => (bucket: string) => new S3Error(code, message, 404, { BucketName: bucket });

/** Since January 2023 S3 encrypts every bucket with SSE-S3 unless told otherwise; Get shows that default. */
export const DEFAULT_ENCRYPTION = { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false } };

/** The bucket configurations the CDK bootstrap template and `aws s3api` set, kept as sent. */
const SHAPES: readonly ConfigurationShape[] = [
  {
    parameter: 'versioning',
    kind: 'versioning',
    root: 'VersioningConfiguration',
    validate: (document) => {
      const status = childText(document, 'Status');
      if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
    },
    missing: () => xmlResponse('VersioningConfiguration', {}),
    putStatus: 200,
  },
  { parameter: 'encryption', kind: 'encryption', root: 'ServerSideEncryptionConfiguration', missing: () => xmlResponse('ServerSideEncryptionConfiguration', DEFAULT_ENCRYPTION), putStatus: 200 },
  {
    parameter: 'publicAccessBlock',
    kind: 'publicAccessBlock',
    root: 'PublicAccessBlockConfiguration',
    missing: notFound('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'),
    putStatus: 200,
  },
  { parameter: 'lifecycle', kind: 'lifecycle', root: 'LifecycleConfiguration', missing: notFound('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist'), putStatus: 200 },
  { parameter: 'tagging', kind: 'tagging', root: 'Tagging', missing: notFound('NoSuchTagSet', 'The TagSet does not exist'), putStatus: 204 },
  { parameter: 'policy', kind: 'policy', missing: notFound('NoSuchBucketPolicy', 'The bucket policy does not exist'), putStatus: 204 },
  { parameter: 'ownershipControls', kind: 'ownershipControls', root: 'OwnershipControls', missing: notFound('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found'), putStatus: 200 },
  { parameter: 'cors', kind: 'cors', root: 'CORSConfiguration', missing: notFound('NoSuchCORSConfiguration', 'The CORS configuration does not exist'), putStatus: 200 },
];

/** The configuration a bucket request's query names, if any. */
export function configurationOf(query: URLSearchParams): ConfigurationShape | undefined {
  return SHAPES.find((shape) => query.has(shape.parameter));
}

/** Checks a configuration document as S3 would take it; throws MalformedXML / MalformedPolicy. */
export function validateConfiguration(shape: ConfigurationShape, document: string): void {
  if (shape.root === undefined) {
    let policy: unknown;
    try {
      policy = JSON.parse(document);
    } catch {
      policy = undefined;
    }
    if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    return;
  }
  let parsed: XmlElement;
  try {
    parsed = parseXml(document);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedXml();
    throw error;
  }
  if (parsed.name !== shape.root) throw malformedXml();
  shape.validate?.(parsed);
}

/** Put, Get or Delete of one bucket configuration (`?versioning`, `?encryption`, `?policy`, ...). */
export function bucketConfiguration(s3: S3Service, shape: ConfigurationShape, request: S3Request & { bucket: string }): S3Response {
  const { bucket } = request;
  switch (request.method) {
    case 'PUT': {
      s3.bucket(bucket);
      const document = request.body.toString('utf8');
      validateConfiguration(shape, document);
      s3.putBucketConfiguration(bucket, shape.kind, document);
      return { status: shape.putStatus };
    }
    case 'GET': {
      const document = s3.getBucketConfiguration(bucket, shape.kind);
      if (document === undefined) {
        const missing = shape.missing(bucket);
        if (missing instanceof S3Error) throw missing;
        return missing;
      }
      return { status: 200, headers: { 'Content-Type': shape.root === undefined ? 'application/json' : 'application/xml' }, body: document };
    }
    case 'DELETE':
      if (shape.kind === 'versioning') break;
      s3.deleteBucketConfiguration(bucket, shape.kind);
      return { status: 204 };
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: request.method, ResourceType: 'BUCKET' });
}
