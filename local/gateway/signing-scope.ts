import type { IncomingMessage } from 'node:http';

/** The credential scope of a SigV4-signed request: the region and the service it was signed for. */
export interface SigningScope {
  readonly region: string;
  /** The signing name: `s3`, `sts`, `cloudformation`, `ssm`, `lambda`, `sqs`, `events`, ... */
  readonly service: string;
}

const CREDENTIAL = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/**
 * Reads which service a request was signed for, from its `Authorization` header or, for a presigned
 * URL, its `X-Amz-Credential` query parameter. Every AWS SDK and CLI signs with the service's signing
 * name, so this tells services apart that share a protocol (S3's REST, the query protocol of STS and
 * CloudFormation) on one endpoint. Undefined for an unsigned request.
 */
export function signingScope(request: Pick<IncomingMessage, 'headers' | 'url'>): SigningScope | undefined {
  const header = request.headers['authorization'];
  const fromHeader = typeof header === 'string' ? CREDENTIAL.exec(header) : null;
  if (fromHeader !== null) return { region: fromHeader[1]!, service: fromHeader[2]! };
  const credential = new URL(request.url ?? '/', 'http://localhost').searchParams.get('X-Amz-Credential');
  const parts = credential?.split('/');
  if (parts === undefined || parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  return { region: parts[2]!, service: parts[3]! };
}
