/**
 * How `npm run localstack:deploy` points the plain AWS CDK CLI at LocalStack (or at any endpoint that
 * answers AWS APIs, such as the local cloud standing in for it in CI): the environment the CLI gets,
 * and the check that refuses an endpoint nobody answers on.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** Where `npm run localstack:up` publishes LocalStack (docker-compose.yml binds 127.0.0.1 only, so not `localhost`, which may be ::1). */
export const LOCALSTACK_DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';

/** LocalStack's host name whose subdomains all resolve to 127.0.0.1, so S3 can address buckets virtual-host style. */
const LOCALSTACK_HOST = 'localhost.localstack.cloud';

/** What the CDK CLI gets on top of the caller's environment, and what it must not inherit. */
export interface CdkEnvironment {
  readonly set: Readonly<Record<string, string>>;
  readonly unset: readonly string[];
}

/**
 * The environment for `cdk` against an emulator at `endpoint`. The CLI and the SDK read
 * AWS_ENDPOINT_URL; S3 needs its own endpoint only on LocalStack's host name, where buckets are
 * virtual hosts of `s3.localhost.localstack.cloud` (what LocalStack's `lstk cdk` sets too). On a
 * loopback address the CDK CLI addresses S3 path style by itself. An AWS_ENDPOINT_URL_S3 the caller
 * set is kept. Credentials are dummies and AWS_PROFILE is dropped, so a real account is never used.
 */
export function cdkEnvironment(endpoint: string, env: NodeJS.ProcessEnv = process.env): CdkEnvironment {
  const url = parseEndpoint(endpoint);
  const s3 = env['AWS_ENDPOINT_URL_S3'] ?? (url.hostname === LOCALSTACK_HOST ? `${url.protocol}//s3.${LOCALSTACK_HOST}${url.port === '' ? '' : `:${url.port}`}` : undefined);
  return {
    set: {
      AWS_ENDPOINT_URL: url.origin,
      ...(s3 === undefined ? {} : { AWS_ENDPOINT_URL_S3: s3 }),
      AWS_REGION: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    unset: ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE'],
  };
}

/** The caller's environment with `cdk` applied; a service's own endpoint (AWS_ENDPOINT_URL_<SERVICE>) set elsewhere would send that service's calls elsewhere, so only ours stay. */
export function applyCdkEnvironment(cdk: CdkEnvironment, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env };
  for (const name of Object.keys(result)) if (name.startsWith('AWS_ENDPOINT_URL_') || cdk.unset.includes(name)) delete result[name];
  return { ...result, ...cdk.set };
}

/** A command line as a shell would take it, with the variables that differ, to print before running it. */
export function describeCommand(cdk: CdkEnvironment, command: readonly string[]): string {
  const vars = Object.entries(cdk.set)
    .filter(([name]) => name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_REGION')
    .map(([name, value]) => `${name}=${value}`);
  return [...vars, ...command].join(' ');
}

/** An endpoint URL, or an error naming the bad value. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`--endpoint must be a URL such as ${LOCALSTACK_DEFAULT_ENDPOINT}, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--endpoint must be an http(s) URL, got "${endpoint}"`);
  return url;
}

/** How to bring LocalStack up, for the refusal message. */
export const HOW_TO_START_LOCALSTACK =
  'start Docker, then: npm run localstack:up (localstack/localstack:4.14.0, the last image that starts without an auth token; ' +
  'for a newer image set LOCALSTACK_AUTH_TOKEN, see the README), then run npm run localstack:deploy again';

/**
 * Who answers at `endpoint`: LocalStack (its health answer, with its version), or another endpoint that
 * answers AWS's STS (the local cloud standing in for LocalStack in CI). Nothing answering, or an
 * answer that is neither, is a refusal saying how to start LocalStack.
 */
export async function probeEndpoint(endpoint: string, timeoutMs = 5000): Promise<{ ok: true; detail: string } | { ok: false; message: string }> {
  const base = parseEndpoint(endpoint).origin;
  let healthStatus: number;
  try {
    const response = await fetch(`${base}/_localstack/health`, { signal: AbortSignal.timeout(timeoutMs) });
    healthStatus = response.status;
    if (response.ok) {
      const health = (await response.json().catch(() => ({}))) as { version?: string; edition?: string };
      return { ok: true, detail: `LocalStack ${health.version ?? '(version not given)'}${health.edition === undefined ? '' : ` ${health.edition}`} at ${base}` };
    }
  } catch (error) {
    return { ok: false, message: `LocalStack is not reachable at ${base} (${causeOf(error)}). To start it: ${HOW_TO_START_LOCALSTACK}` };
  }
  const sts = new STSClient({ endpoint: base, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { ok: true, detail: `${base} (not LocalStack: /_localstack/health answered ${healthStatus}; an AWS-compatible endpoint, account ${identity.Account})` };
  } catch (error) {
    return { ok: false, message: `${base} is neither LocalStack (/_localstack/health answered ${healthStatus}) nor an AWS API endpoint (STS: ${causeOf(error)}). To start LocalStack: ${HOW_TO_START_LOCALSTACK}` };
  } finally {
    sts.destroy();
  }
}

/** A fetch failure's useful part (`fetch failed` hides ECONNREFUSED in its cause). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
