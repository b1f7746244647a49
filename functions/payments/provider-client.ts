import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import * as z from 'zod/mini';
import { DECLINE_REASONS } from '../events/payments';
import { PipelineError } from '../shared/errors';

export type Authorization =
  | { readonly outcome: 'AUTHORIZED'; readonly authorizationId: string }
  | { readonly outcome: 'DECLINED'; readonly reason: (typeof DECLINE_REASONS)[number] };

export interface AuthorizationRequest {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
  readonly currency: string;
}

/** The provider could not answer (timeout, network, 5xx, or it refused our secret): counts against the breaker. */
export class ProviderUnavailableError extends PipelineError {}

/** The provider is up but over its rate limit (429): try again after `retryAfterMs`, the breaker is not told. */
export class ProviderThrottledError extends PipelineError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** The provider refused the request itself (4xx): a bug on our side, retried like any failure. */
export class ProviderRejectedError extends PipelineError {}

export interface ProviderSettings {
  readonly url: string;
  readonly secret: string;
}

/** Where the client takes its URL and secret; `refresh` drops any cached copy (a rotated secret). */
export interface SettingsSource {
  get(): Promise<ProviderSettings>;
  refresh(): void;
}

/**
 * The provider's URL (String) and bearer secret (SecureString) from SSM Parameter Store through
 * Powertools Parameters: read on the first call of a sandbox (its cold start) and kept for `maxAgeSeconds`,
 * so a changed URL or rotated secret is picked up without a deploy and SSM is not read per message.
 */
export function ssmSettings(names: { url: string; secret: string }, maxAgeSeconds: number, ssm = new SSMProvider()): SettingsSource {
  let forceFetch = false;
  return {
    async get() {
      const options = { maxAge: maxAgeSeconds, forceFetch };
      const [url, secret] = await Promise.all([ssm.get(names.url, options), ssm.get(names.secret, { ...options, decrypt: true })]);
      forceFetch = false;
      if (typeof url !== 'string' || typeof secret !== 'string') throw new ProviderUnavailableError(`SSM parameters ${names.url} and ${names.secret} must both exist`);
      return { url: url.replace(/\/+$/, ''), secret };
    },
    refresh() {
      forceFetch = true;
    },
  };
}

const answer = z.union([
  z.object({ status: z.literal('authorized'), authorizationId: z.string().check(z.minLength(1)) }),
  z.object({ status: z.literal('declined'), reason: z.enum(DECLINE_REASONS) }),
]);

/**
 * The payment provider's HTTP API: `POST /authorizations` with the bearer secret, the order id as
 * idempotency key (the provider answers a repeated order with its first decision, so a retried
 * message never charges twice), and a timeout on every call (`AbortSignal.timeout`) well inside the
 * function's own, so a hanging provider fails the call, not the whole batch.
 */
export class PaymentProviderClient {
  constructor(
    private readonly settings: SettingsSource,
    private readonly timeoutMs: number,
  ) {}

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const { url, secret } = await this.settings.get();
    let response: Response;
    try {
      response = await fetch(`${url}/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'idempotency-key': request.orderId },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new ProviderUnavailableError(timedOut ? `no answer within ${this.timeoutMs} ms` : `unreachable: ${describe(error)}`, { cause: error });
    }
    const text = await readText(response, this.timeoutMs);
    if (response.status === 429) {
      throw new ProviderThrottledError(`over its rate limit (429)`, retryAfterMs(response.headers.get('retry-after')));
    }
    if (response.status === 401 || response.status === 403) {
      // The secret may have been rotated since it was cached: read it again next time.
      this.settings.refresh();
      throw new ProviderUnavailableError(`refused our secret (${response.status})`);
    }
    if (response.status >= 500) throw new ProviderUnavailableError(`answered ${response.status}: ${text.slice(0, 200)}`);
    if (response.status !== 200) throw new ProviderRejectedError(`refused the request (${response.status}): ${text.slice(0, 200)}`);
    const parsed = answer.safeParse(safeJson(text));
    if (!parsed.success) throw new ProviderUnavailableError(`answered 200 with an unexpected body: ${text.slice(0, 200)}`);
    return parsed.data.status === 'authorized' ? { outcome: 'AUTHORIZED', authorizationId: parsed.data.authorizationId } : { outcome: 'DECLINED', reason: parsed.data.reason };
  }
}

async function readText(response: Response, timeoutMs: number): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new ProviderUnavailableError(`answer cut off (${timeoutMs} ms timeout): ${describe(error)}`, { cause: error });
  }
}

/** Retry-After in seconds (the only form the provider sends); at least 1 s, at most a minute. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 1000;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
