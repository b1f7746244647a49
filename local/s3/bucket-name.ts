/**
 * Whether `name` follows S3's rules for general purpose bucket names: 3 to 63 characters of lowercase
 * letters, digits, dots and hyphens, beginning and ending with a letter or digit, no two adjacent
 * dots, not shaped like an IP address, none of the reserved prefixes (xn--, sthree-, amzn-s3-demo-)
 * or suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (['xn--', 'sthree-', 'amzn-s3-demo-'].some((prefix) => name.startsWith(prefix))) return false;
  return !['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].some((suffix) => name.endsWith(suffix));
}
