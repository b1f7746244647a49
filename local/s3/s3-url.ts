/**
 * The bucket and key of an S3 object URL, in every form a CloudFormation TemplateURL or a CDK asset
 * location takes: path style (`https://s3.amazonaws.com/b/k`, `https://s3.<region>.amazonaws.com/b/k`,
 * `https://s3-<region>.amazonaws.com/b/k`, the local endpoint `http://127.0.0.1:PORT/b/k` or
 * `http://localhost:PORT/b/k`), virtual-hosted (`https://b.s3.amazonaws.com/k`,
 * `https://b.s3.<region>.amazonaws.com/k`, `http://b.localhost:PORT/k`), and `s3://b/k`.
 * Undefined for anything else or a URL without a key.
 */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return undefined;
    }
  };
  const host = parsed.hostname.toLowerCase();
  const path = parsed.pathname.replace(/^\//, '');
  const result = (bucket: string | undefined, key: string | undefined) => (bucket && key ? { bucket, key } : undefined);
  if (parsed.protocol === 's3:') return result(host, decode(path));
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const virtual = /^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.exec(host) ?? /^(.+)\.localhost$/.exec(host);
  if (virtual !== null) return result(virtual[1], decode(path));
  const pathStyle = /^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.test(host) || host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
  if (!pathStyle) return undefined;
  const slash = path.indexOf('/');
  if (slash < 0) return undefined;
  return result(decode(path.slice(0, slash)), decode(path.slice(slash + 1)));
}
