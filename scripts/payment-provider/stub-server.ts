import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../local/faults/faults';
import { decide, DEFAULT_CREDIT_LIMIT, type Decision } from './decide';

/** How the stub behaves; every field can be changed while it runs (`configure`, or `POST /_control`). */
export interface StubBehaviour {
  /** Added to every authorization before it is answered (ms). */
  readonly latencyMs: number;
  /** Share of authorizations answered 500 (0..1), drawn from the seeded generator. */
  readonly failureRate: number;
  /** While on, every authorization is answered 503: the provider is down. */
  readonly outage: boolean;
  /** The documented rate limit: authorizations served at once; one more is answered 429. */
  readonly maxConcurrent: number;
  /** Totals above this are declined. */
  readonly creditLimit: number;
}

export interface StubProviderOptions extends Partial<StubBehaviour> {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The bearer secret callers must present. @default a random one */
  readonly secret?: string;
  /** Seed of the failure draws, so a run can be repeated. @default 1 */
  readonly seed?: number;
}

export interface StubStats {
  /** Authorization requests received, whatever their answer. */
  requests: number;
  authorized: number;
  declined: number;
  /** Answers that repeated an earlier decision for the same order (idempotency). */
  replayed: number;
  /** 500s injected by `failureRate`. */
  failed: number;
  /** 503s answered during an outage. */
  unavailable: number;
  /** 429s: over `maxConcurrent`. */
  throttled: number;
  unauthorized: number;
  /** The most authorizations served at once (429s excepted): never above `maxConcurrent`. */
  maxInFlight: number;
}

/** The documented limit of the provider the app is sized for (README, payments stack). */
export const DEFAULT_MAX_CONCURRENT = 10;

const DEFAULTS: StubBehaviour = { latencyMs: 20, failureRate: 0, outage: false, maxConcurrent: DEFAULT_MAX_CONCURRENT, creditLimit: DEFAULT_CREDIT_LIMIT };

/**
 * A stand-in for the shop's payment provider, an external HTTP API, bound to 127.0.0.1:
 * `POST /authorizations` {orderId, customerId, amount, currency} with `Authorization: Bearer <secret>`
 * answers 200 {status: authorized|declined, ...} by the data-driven rules of `decide`, the same
 * answer again for the same order (idempotent per orderId; another amount for it is a 409). Latency,
 * injected 500s, an outage (503) and a concurrency limit (429 with Retry-After) are configurable,
 * in process or over `GET|POST /_control`, for tools in another process (`npm run local`).
 */
export class StubPaymentProvider {
  private behaviour: StubBehaviour;
  private readonly decisions = new Map<string, { fingerprint: string; decision: Decision }>();
  private readonly random: () => number;
  private inFlight = 0;
  private outageTimer: NodeJS.Timeout | undefined;
  private readonly statsValue: StubStats = { requests: 0, authorized: 0, declined: 0, replayed: 0, failed: 0, unavailable: 0, throttled: 0, unauthorized: 0, maxInFlight: 0 };

  private constructor(
    private readonly server: http.Server,
    readonly secret: string,
    options: StubProviderOptions,
  ) {
    this.behaviour = checked({ ...DEFAULTS, ...pickBehaviour(options) });
    this.random = seededRandom(options.seed ?? 1);
  }

  static async start(options: StubProviderOptions = {}): Promise<StubPaymentProvider> {
    const server = http.createServer();
    const stub = new StubPaymentProvider(server, options.secret ?? randomBytes(24).toString('base64url'), options);
    server.on('request', (request, response) => void stub.serve(request, response));
    // Keep-alive sockets would hold `stop` open; the Lambda clients reconnect cheaply on 127.0.0.1.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return stub;
  }

  /** Where the API is, e.g. http://127.0.0.1:40123 (the value of the URL parameter). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get stats(): Readonly<StubStats> {
    return { ...this.statsValue };
  }

  get current(): StubBehaviour {
    return this.behaviour;
  }

  /** Changes the behaviour from now on; answers the whole of it. */
  configure(patch: Partial<StubBehaviour>): StubBehaviour {
    this.behaviour = checked({ ...this.behaviour, ...patch });
    if (patch.outage !== undefined) this.clearOutageTimer();
    return this.behaviour;
  }

  /** Takes the provider down now and brings it back after `ms`. */
  outageFor(ms: number): void {
    this.configure({ outage: true });
    this.outageTimer = setTimeout(() => this.configure({ outage: false }), ms);
  }

  async stop(): Promise<void> {
    this.clearOutageTimer();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private clearOutageTimer(): void {
    if (this.outageTimer !== undefined) clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      const route = `${request.method} ${new URL(request.url ?? '/', 'http://stub').pathname}`;
      if (route === 'POST /authorizations') return await this.authorize(request, body, response);
      if (route === 'GET /health') return send(response, 200, { status: this.behaviour.outage ? 'down' : 'up' });
      if (route === 'GET /_control') return send(response, 200, { behaviour: this.behaviour, stats: this.stats });
      if (route === 'POST /_control') return send(response, 200, { behaviour: this.control(parseJson(body)), stats: this.stats });
      return send(response, 404, { error: `no route ${route}` });
    } catch (error) {
      return send(response, error instanceof BadRequest ? 400 : 500, { error: (error as Error).message });
    }
  }

  private control(input: unknown): StubBehaviour {
    if (typeof input !== 'object' || input === null) throw new BadRequest('a JSON object of behaviour fields is expected');
    const { outageSeconds, ...patch } = input as Partial<StubBehaviour> & { outageSeconds?: unknown };
    const behaviour = this.configure(pickBehaviour(patch));
    if (outageSeconds !== undefined) {
      if (typeof outageSeconds !== 'number' || !(outageSeconds > 0)) throw new BadRequest('outageSeconds must be a positive number');
      this.outageFor(outageSeconds * 1000);
    }
    return behaviour;
  }

  private async authorize(request: http.IncomingMessage, body: string, response: http.ServerResponse): Promise<void> {
    this.statsValue.requests++;
    if (!this.authorized(request.headers.authorization)) {
      this.statsValue.unauthorized++;
      return send(response, 401, { error: 'missing or wrong bearer secret' });
    }
    if (this.inFlight >= this.behaviour.maxConcurrent) {
      this.statsValue.throttled++;
      return send(response, 429, { error: `more than ${this.behaviour.maxConcurrent} concurrent requests` }, { 'retry-after': '1' });
    }
    this.inFlight++;
    this.statsValue.maxInFlight = Math.max(this.statsValue.maxInFlight, this.inFlight);
    try {
      if (this.behaviour.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.behaviour.latencyMs));
      if (this.behaviour.outage) {
        this.statsValue.unavailable++;
        return send(response, 503, { error: 'the provider is unavailable' });
      }
      if (this.random() < this.behaviour.failureRate) {
        this.statsValue.failed++;
        return send(response, 500, { error: 'injected failure' });
      }
      const input = authorizationRequest(parseJson(body));
      const fingerprint = `${input.customerId}|${input.amount}|${input.currency}`;
      const earlier = this.decisions.get(input.orderId);
      if (earlier !== undefined && earlier.fingerprint !== fingerprint) {
        return send(response, 409, { error: `order ${input.orderId} was authorized earlier with other data` });
      }
      const decision = earlier?.decision ?? decide(input, this.behaviour.creditLimit);
      this.decisions.set(input.orderId, { fingerprint, decision });
      if (earlier !== undefined) this.statsValue.replayed++;
      else if (decision.status === 'authorized') this.statsValue.authorized++;
      else this.statsValue.declined++;
      return send(response, 200, { orderId: input.orderId, ...decision, ...(earlier === undefined ? {} : { replayed: true }) });
    } finally {
      this.inFlight--;
    }
  }

  private authorized(header: string | undefined): boolean {
    const given = Buffer.from(header ?? '');
    const expected = Buffer.from(`Bearer ${this.secret}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

class BadRequest extends Error {}

function authorizationRequest(input: unknown): { orderId: string; customerId: string; amount: number; currency: string } {
  const value = input as Record<string, unknown> | null;
  const valid =
    typeof value === 'object' && value !== null && typeof value['orderId'] === 'string' && value['orderId'] !== '' && typeof value['customerId'] === 'string' && typeof value['amount'] === 'number' && value['amount'] >= 0 && typeof value['currency'] === 'string';
  if (!valid) throw new BadRequest('expected {orderId, customerId, amount, currency}');
  return { orderId: value['orderId'] as string, customerId: value['customerId'] as string, amount: value['amount'] as number, currency: value['currency'] as string };
}

function pickBehaviour(input: Partial<StubBehaviour>): Partial<StubBehaviour> {
  const keys: Array<keyof StubBehaviour> = ['latencyMs', 'failureRate', 'outage', 'maxConcurrent', 'creditLimit'];
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}

function checked(behaviour: StubBehaviour): StubBehaviour {
  const problems = [
    !(Number.isFinite(behaviour.latencyMs) && behaviour.latencyMs >= 0) && 'latencyMs must be a number >= 0',
    !(behaviour.failureRate >= 0 && behaviour.failureRate <= 1) && 'failureRate must be between 0 and 1',
    typeof behaviour.outage !== 'boolean' && 'outage must be true or false',
    !(Number.isInteger(behaviour.maxConcurrent) && behaviour.maxConcurrent >= 1) && 'maxConcurrent must be an integer >= 1',
    !(Number.isFinite(behaviour.creditLimit) && behaviour.creditLimit >= 0) && 'creditLimit must be a number >= 0',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new BadRequest(`stub payment provider: ${problems.join('; ')}`);
  return behaviour;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) reject(new BadRequest('body over 64 KiB'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequest('body is not JSON');
  }
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
