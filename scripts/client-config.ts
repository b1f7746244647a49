/**
 * SDK client settings for a target: AWS itself when no endpoint is given (the usual credential chain
 * and region), or an emulator endpoint (the local cloud, LocalStack), where any credentials and a
 * default region do.
 */
export function clientConfig(endpoint: string | undefined) {
  if (endpoint === undefined) return {};
  const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined || process.env['AWS_PROFILE'] !== undefined;
  return {
    endpoint,
    region: process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}
