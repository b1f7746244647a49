/** Which bucket and key a request names. */
export interface S3Address {
  /** Undefined for the service (ListBuckets). */
  readonly bucket?: string;
  /** Undefined or '' for the bucket itself. */
  readonly key?: string;
}

const VIRTUAL_HOST = [
  // bucket.localhost, bucket.localhost:4566: what the SDK builds from a localhost endpoint without forcePathStyle.
  /^(.+)\.localhost$/,
  // bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com
  /^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/,
];

/** The bucket named by a virtual-hosted Host header, if the host is one. */
export function bucketFromHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  for (const pattern of VIRTUAL_HOST) {
    const match = pattern.exec(name);
    if (match !== null) return match[1];
  }
  return undefined;
}

/**
 * Reads the bucket and key of a request: from the Host header when it is virtual-hosted
 * (`<bucket>.localhost:<port>`, `<bucket>.s3[.<region>].amazonaws.com`), else from the path
 * (`/<bucket>/<key>`, path style: what the SDKs send to an IP endpoint and the AWS CLI to any
 * custom endpoint). The key is the rest of the path, percent-decoded, slashes kept.
 */
export function s3Address(host: string | undefined, rawPath: string): S3Address {
  const path = rawPath.split('?', 1)[0] ?? '/';
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const fromHost = bucketFromHost(host);
  if (fromHost !== undefined) return { bucket: fromHost, key: decode(path.replace(/^\//, '')) };
  const trimmed = path.replace(/^\//, '');
  if (trimmed === '') return {};
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { bucket: decode(trimmed) };
  return { bucket: decode(trimmed.slice(0, slash)), key: decode(trimmed.slice(slash + 1)) };
}
