import { AwsError } from '../../aws-error';
import { parseS3Url } from '../../s3/s3-url';
import type { TemplateUrlReader } from './request';

/** The objects a `TemplateURL` can name: the local S3, read in process. */
export interface TemplateObjects {
  getObject(bucket: string, key: string): Buffer | undefined;
}

/**
 * Reads a `TemplateURL` from the local S3, whatever host it names (`s3.amazonaws.com`, a regional or
 * virtual-hosted AWS host, the local endpoint): the CDK CLI writes AWS's URL of its asset bucket.
 */
export function templateUrlReader(s3: TemplateObjects): TemplateUrlReader {
  return async (url) => {
    const location = parseS3Url(url);
    if (location === undefined) throw new AwsError('ValidationError', 'TemplateURL must be a supported URL.');
    const body = s3.getObject(location.bucket, location.key);
    if (body === undefined) throw new AwsError('ValidationError', `S3 error: the local S3 holds no object ${location.key} in bucket ${location.bucket} (TemplateURL ${url}).`);
    return body.toString('utf8');
  };
}
