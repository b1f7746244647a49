import { escapeXml } from './xml';

/**
 * An error in S3's shape: `<Error><Code>..</Code><Message>..</Message>` plus the fields S3 adds for
 * that code (BucketName, Key, UploadId, ...), with S3's HTTP status. Distinct from AwsError because S3
 * answers in XML and names the code `Code`, not `__type`.
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }

  /** The XML body S3 sends with this error. */
  toXml(requestId: string): string {
    const extra = Object.entries(this.fields)
      .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(this.code)}</Code><Message>${escapeXml(this.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`;
  }
}

// The words below are S3's, as recorded on AWS (LocalStack's validated snapshots of tests/aws/services/s3).

export const noSuchBucket = (bucket: string) => new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
export const noSuchKey = (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
export const bucketAlreadyOwnedByYou = (bucket: string) =>
  new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: bucket });
export const bucketNotEmpty = (bucket: string) => new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket });
export const invalidBucketName = (bucket: string) => new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket });
export const noSuchUpload = (uploadId: string) =>
  new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: uploadId });
export const malformedXml = () => new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
export const invalidArgument = (message: string, name: string, value?: string) =>
  new S3Error('InvalidArgument', message, 400, { ArgumentName: name, ...(value === undefined ? {} : { ArgumentValue: value }) });
