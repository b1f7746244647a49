import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError } from '../aws-error';
import { parseQueryParams, queryCaller, type QueryGatewayService } from './query-protocol';
import { isLoopbackHostname, refusal, remoteRefusal } from './request-origin';
import { queryErrorXml, queryResponseXml } from './query-xml';
import { signingScope } from './signing-scope';

/** A service behind the endpoint, addressed by its X-Amz-Target prefix. */
export interface GatewayService {
  /** `AWSEvents`, `AmazonSQS`, `DynamoDB_20120810`, ... */
  readonly targetPrefix: string;
  readonly name: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  readonly contentType: string;
  /**
   * `headers` are the request's (lower-case names), for the few members AWS reads from a header
   * rather than the body (SQS's AWSTraceHeader from `X-Amzn-Trace-Id`).
   */
  handle(operation: string, input: Record<string, unknown>, headers?: Readonly<http.IncomingHttpHeaders>): Promise<Record<string, unknown>>;
}

/** A service that takes the raw request (a proxy, such as DynamoDB Local's). */
export interface RawGatewayService {
  readonly targetPrefix: string;
  readonly name: string;
  proxy(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void;
}

/** A REST-JSON service addressed by path (Lambda's `/2015-03-31/functions/...`). */
export interface RestGatewayService {
  readonly pathPrefix: string;
  readonly name: string;
  handle(request: http.IncomingMessage, body: Buffer, url: URL): Promise<{ status: number; headers?: Record<string, string>; body: unknown }>;
}

/**
 * Routes under `/_local/` for the local cloud's own controls. The body is sent as JSON unless the
 * result names a `contentType`: then it is sent as it is (a string or bytes: the console's pages).
 */
export type ControlRoute = (request: http.IncomingMessage, body: Buffer, url: URL) => Promise<{ status: number; body: unknown; contentType?: string }>;

export interface GatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly services: ReadonlyArray<GatewayService | RawGatewayService>;
  readonly controls?: Readonly<Record<string, ControlRoute>>;
  readonly rest?: readonly RestGatewayService[];
  /** Query-protocol services (STS, CloudFormation), picked by the service a request was signed for. */
  readonly query?: readonly QueryGatewayService[];
  /** S3's REST-XML API, picked by the service a request was signed for (`s3`): it carries no X-Amz-Target. */
  readonly s3?: S3GatewayService;
}

/** S3 behind the endpoint: answers the raw request itself (XML bodies, object bytes, S3's errors). */
export interface S3GatewayService {
  serve(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** S3 bodies are objects and parts: clients go multipart above 5-8 MiB, a single PutObject may be larger. */
const MAX_S3_BODY_BYTES = 128 * 1024 * 1024;

/**
 * One HTTP endpoint speaking the AWS JSON protocols: requests are dispatched by `X-Amz-Target`
 * (`AWSEvents.PutEvents`, `AmazonSQS.SendMessage`, ...). Signatures are not checked. Errors come
 * back in AWS's shape (`__type`, `message`) with AWS's status; nothing a client sends crashes it.
 */
export class Gateway {
  private readonly server: http.Server;
  private readonly byPrefix: Map<string, GatewayService | RawGatewayService>;
  /** AWS requests being served, long polls excepted (settling waits for the others). */
  inFlight = 0;

  constructor(private readonly options: GatewayOptions) {
    this.byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
    this.server = http.createServer((request, response) => this.onRequest(request, response));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${address?.port ?? this.options.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.options.s3 !== undefined && signingScope(request)?.service === 's3' ? MAX_S3_BODY_BYTES : MAX_BODY_BYTES;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        this.sendError(response, new AwsError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes.`, 413), undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      // A long poll is waiting, not working: it does not keep the cloud from settling.
      const counted = !(request.url ?? '').startsWith('/_local/') && !target.endsWith('.ReceiveMessage');
      if (counted) this.inFlight++;
      response.once('close', () => {
        if (counted) this.inFlight--;
      });
      this.dispatch(request, Buffer.concat(chunks), response).catch((error: unknown) => this.sendError(response, error, undefined));
    });
    request.on('error', () => undefined);
  }

  private async dispatch(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const local = url.pathname.startsWith('/_local/');
    const refused = refusal(request.headers, local, { awsRoutes: isLoopbackHostname(this.options.host) }) ?? (local ? remoteRefusal(request.socket.remoteAddress) : undefined);
    // Before any route or service sees it: a refused request has no effect, whatever it asked.
    if (refused !== undefined) {
      const message = `The local cloud refused this request: ${refused}.`;
      return local ? this.sendJson(response, 403, 'application/json', { message }) : this.sendError(response, new AwsError('AccessDeniedException', message, 403), undefined);
    }
    if (local) {
      const route = this.options.controls?.[`${request.method} ${url.pathname}`];
      if (route === undefined) return this.sendJson(response, 404, 'application/json', { message: `no local cloud route ${request.method} ${url.pathname}` });
      const result = await route(request, body, url);
      if (result.contentType !== undefined) return this.sendRaw(response, result.status, result.contentType, result.body);
      return this.sendJson(response, result.status, 'application/json', result.body);
    }
    if (this.options.s3 !== undefined && signingScope(request)?.service === 's3') return this.options.s3.serve(request, body, response);
    const rest = this.options.rest?.find((r) => url.pathname.startsWith(r.pathPrefix));
    if (rest !== undefined) {
      const result = await rest.handle(request, body, url);
      if (result.body === undefined) {
        if (!response.headersSent) response.writeHead(result.status, { 'x-amzn-RequestId': randomUUID(), ...result.headers }).end();
        return;
      }
      return this.sendJson(response, result.status, 'application/json', result.body, result.headers);
    }
    const target = request.headers['x-amz-target'];
    if (typeof target !== 'string' && this.isQueryRequest(request, url) && (await this.dispatchQuery(request, body, url, response))) return;
    if (typeof target !== 'string') {
      const form = String(request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      throw new AwsError(
        form ? 'UnsupportedProtocol' : 'MissingTarget',
        form
          ? 'The local cloud speaks the AWS JSON protocols; this client sent the query protocol. Use the AWS SDK v3 or AWS CLI v2 (botocore 1.31 or newer).'
          : 'Missing X-Amz-Target header: send AWS JSON-protocol requests (X-Amz-Target: Service.Operation).',
      );
    }
    const dot = target.indexOf('.');
    const service = this.byPrefix.get(dot < 0 ? target : target.slice(0, dot));
    if (service === undefined) throw new AwsError('UnknownOperationException', `No service here answers X-Amz-Target ${target}.`);
    if ('proxy' in service) return service.proxy(request, body, response);
    let input: Record<string, unknown>;
    try {
      const text = body.length === 0 ? '{}' : body.toString('utf8');
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the body must be a JSON object');
      input = parsed as Record<string, unknown>;
    } catch (error) {
      return this.sendError(response, new AwsError('SerializationException', `Malformed JSON request body: ${(error as Error).message}`), service);
    }
    try {
      const output = await service.handle(target.slice(dot + 1), input, request.headers);
      this.sendJson(response, 200, service.contentType, output);
    } catch (error) {
      this.sendError(response, error, service);
    }
  }

  /** A form-encoded POST, or a GET with `Action` in its query string, without X-Amz-Target. */
  private isQueryRequest(request: http.IncomingMessage, url: URL): boolean {
    if (String(request.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return true;
    return request.method === 'GET' && url.searchParams.has('Action');
  }

  /**
   * Serves a query-protocol request by the service it was signed for (by its `Version` when unsigned).
   * False when no query service here is that one (SQS's query protocol gets the JSON answer).
   */
  private async dispatchQuery(request: http.IncomingMessage, body: Buffer, url: URL, response: http.ServerResponse): Promise<boolean> {
    const services = this.options.query ?? [];
    const params = parseQueryParams(body.toString('utf8'), url.search);
    const signedFor = signingScope(request)?.service;
    const service = signedFor === undefined ? services.find((s) => s.version === params['Version']) : services.find((s) => s.signingName === signedFor);
    if (service === undefined) {
      // SQS's query protocol keeps its JSON answer; a form without Action (an S3 POST upload) is not ours.
      if (signedFor === 'sqs' || signedFor === 's3' || params['Action'] === undefined || (signedFor === undefined && params['Version'] === '2012-11-05')) return false;
      const served = services.map((s) => s.signingName).join(', ');
      this.sendXml(response, 400, queryErrorXml('InvalidAction', `No service here answers the query protocol for ${signedFor === undefined ? `Version ${params['Version'] ?? '(none)'}` : `signing name ${signedFor}`}; query services here: ${served || 'none'}.`, 400, randomUUID()));
      return true;
    }
    const requestId = randomUUID();
    const action = params['Action'];
    delete params['Action'];
    try {
      if (action === undefined || action === '') throw new AwsError('MissingAction', 'Missing Action parameter: query-protocol requests carry Action=<operation>.');
      // The action names the answer's elements: only an operation's name can be one.
      if (!/^[A-Za-z][A-Za-z0-9]{0,127}$/.test(action)) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${params['Version'] ?? '(none)'}`);
      const authorization = request.headers['authorization'];
      const result = await service.handle(action, params, queryCaller(typeof authorization === 'string' ? authorization : undefined, url.searchParams));
      this.sendXml(response, 200, queryResponseXml(action, service.xmlns, result, requestId), requestId);
    } catch (error) {
      if (!(error instanceof AwsError)) process.emitWarning(`local cloud internal error: ${(error as Error)?.stack ?? String(error)}`);
      const known = error instanceof AwsError;
      const status = known ? error.status : 500;
      const code = known ? error.type : 'InternalFailure';
      this.sendXml(response, status, queryErrorXml(code, (error as Error)?.message ?? String(error), status, requestId, service.xmlns), requestId);
    }
    return true;
  }

  private sendXml(response: http.ServerResponse, status: number, text: string, requestId: string = randomUUID()): void {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': requestId });
    response.end(text);
  }

  private sendRaw(response: http.ServerResponse, status: number, contentType: string, body: unknown): void {
    if (response.headersSent || response.destroyed) return;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(String(body ?? ''), 'utf8');
    response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length });
    response.end(bytes);
  }

  private sendJson(response: http.ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
    if (response.headersSent || response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      ...headers,
    });
    response.end(text);
  }

  private sendError(response: http.ServerResponse, error: unknown, service: GatewayService | undefined): void {
    if (error instanceof AwsError) {
      this.sendJson(response, error.status, service?.contentType ?? 'application/x-amz-json-1.1', { __type: error.type, message: error.message }, {
        'x-amzn-ErrorType': error.type,
        ...(error.queryError === undefined ? {} : { 'x-amzn-query-error': error.queryError }),
      });
      return;
    }
    // A bug of the local cloud: answer like AWS does (500, InternalFailure) and keep serving.
    process.emitWarning(`local cloud internal error: ${(error as Error)?.stack ?? String(error)}`);
    this.sendJson(response, 500, service?.contentType ?? 'application/json', { __type: 'InternalFailure', message: (error as Error)?.message ?? String(error) });
  }
}
