import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { EventSourceMappings } from './event-source-mappings';
import { CodeStore, InvalidZipError } from './function-code';
import { functionConfiguration, lambdaTimestamp } from './function-configuration';
import { parseFunctionName } from './function-name';
import { FunctionPolicy } from './function-policy';
import { checkDestinations, eventInvokeConfigOf, eventInvokeConfigOutput } from './event-invoke-config';
import { LambdaError, LambdaErrors } from './lambda-errors';
import { UnsupportedRuntimeError } from './node-runtime';
import type { FunctionDetails, LambdaService, LocalFunction } from './lambda-service';

/** A REST answer for the gateway. */
export interface RestAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** The runtimes Lambda accepts at CreateFunction (AWS lists them in its InvalidParameterValueException). */
const RUNTIMES = [
  'nodejs20.x', 'python3.14', 'provided.al2023', 'python3.12', 'python3.13', 'nodejs24.x', 'nodejs22.x', 'java25', 'python3.10', 'python3.11', 'java21',
  'ruby3.3', 'ruby3.4', 'ruby3.2', 'python3.8', 'python3.9', 'java17', 'nodejs16.x', 'dotnet10', 'dotnet8', 'java11', 'dotnet6', 'nodejs18.x', 'provided.al2', 'java8.al2',
];
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export interface LambdaApiOptions {
  readonly lambda: LambdaService;
  readonly mappings: EventSourceMappings;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Where functions created through the API send their SDK calls (the local endpoint). */
  readonly endpoint: () => string;
  /**
   * Reads a deployment package from the local S3 (`Code.S3Bucket`/`S3Key`, as `cdk deploy --hotswap`
   * sends UpdateFunctionCode); throws S3's error (`code`: NoSuchBucket, NoSuchKey) when it cannot.
   * Without it only `ZipFile` packages are taken.
   */
  readonly readObject?: (bucket: string, key: string) => Uint8Array;
}

/**
 * Lambda's REST API (`/2015-03-31/...`): functions (Create, Get, GetConfiguration, List, Update
 * code and configuration, Delete), Invoke, and event source mappings. Functions created here run
 * in the same sandboxes as the deployed ones.
 */
export class LambdaApi {
  private readonly code = new CodeStore();
  /** Resource-based policies, per function (a deleted function's goes with it). */
  private readonly policies = new WeakMap<LocalFunction, FunctionPolicy>();

  constructor(private readonly options: LambdaApiOptions) {}

  /** Removes the packages of the functions created here (the local cloud is stopping). */
  dispose(): void {
    this.code.dispose();
  }

  async handle(request: http.IncomingMessage, body: Buffer, url: URL): Promise<RestAnswer> {
    try {
      return await this.route(request.method ?? 'GET', url, body, request);
    } catch (error) {
      if (error instanceof LambdaError) return error.toResponse();
      throw error;
    }
  }

  private async route(method: string, url: URL, body: Buffer, request: http.IncomingMessage): Promise<RestAnswer> {
    const path = url.pathname;
    const mapping = /^\/2015-03-31\/event-source-mappings\/?([^/]*)$/.exec(path);
    if (mapping !== null) {
      const uuid = decodeURIComponent(mapping[1] ?? '');
      const { mappings } = this.options;
      if (uuid === '' && method === 'POST') return { status: 202, body: await mappings.create(json(body)) };
      if (uuid === '' && method === 'GET') return { status: 200, body: mappings.list(url.searchParams) };
      if (uuid !== '' && method === 'GET') return { status: 200, body: mappings.get(uuid) };
      if (uuid !== '' && method === 'PUT') return { status: 202, body: mappings.update(uuid, json(body)) };
      if (uuid !== '' && method === 'DELETE') return { status: 202, body: mappings.delete(uuid) };
      throw LambdaErrors.unknownRoute(path);
    }
    const invokeConfig = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config(\/list)?\/?$/.exec(path);
    if (invokeConfig !== null) return this.eventInvokeConfigRoute(method, decodeURIComponent(invokeConfig[1] ?? ''), invokeConfig[2] !== undefined, body, url.searchParams.get('Qualifier') ?? undefined);
    const policyRoute = /^\/2015-03-31\/functions\/([^/]+)\/policy(?:\/([^/]+))?\/?$/.exec(path);
    if (policyRoute !== null) return this.policyRoute(method, decodeURIComponent(policyRoute[1] ?? ''), policyRoute[2] === undefined ? undefined : decodeURIComponent(policyRoute[2]), body);
    const fnRoute = /^\/2015-03-31\/functions\/?([^/]*)(\/invocations|\/configuration|\/code)?\/?$/.exec(path);
    if (fnRoute === null) throw LambdaErrors.unknownRoute(path);
    const [, rawName = '', suffix] = fnRoute;
    const name = decodeURIComponent(rawName);
    if (name === '') {
      if (method === 'POST') return { status: 201, body: this.createFunction(json(body)) };
      if (method === 'GET') return { status: 200, body: this.listFunctions(url.searchParams) };
      throw LambdaErrors.unknownRoute(path);
    }
    const fn = this.lookup(name, suffix === '/invocations' && method === 'POST');
    if (suffix === '/invocations' && method === 'POST') return this.invoke(fn, body, request);
    if (suffix === '/configuration' && method === 'GET') return { status: 200, body: this.configuration(fn) };
    if (suffix === '/configuration' && method === 'PUT') return { status: 200, body: this.updateConfiguration(fn, json(body)) };
    if (suffix === '/code' && method === 'PUT') return { status: 200, body: this.updateCode(fn, json(body)) };
    if (suffix === undefined && method === 'GET') {
      return { status: 200, body: { Configuration: this.configuration(fn), Code: { RepositoryType: 'S3', Location: `${this.options.endpoint()}/_local/lambda-code/${fn.name}` } } };
    }
    if (suffix === undefined && method === 'DELETE') {
      this.options.lambda.remove(fn);
      return { status: 204, body: undefined };
    }
    throw LambdaErrors.unknownRoute(path);
  }

  /**
   * The function's settings for asynchronous invocations: Put (PUT, replaces them), Update (POST,
   * changes the members given), Get, Delete (204) and List (`/list`). Only `$LATEST` exists here.
   */
  private eventInvokeConfigRoute(method: string, name: string, list: boolean, body: Buffer, qualifierParameter: string | undefined): RestAnswer {
    const reference = parseFunctionName(name, this.options.region);
    const qualifier = qualifierParameter ?? reference.qualifier ?? '$LATEST';
    // Only $LATEST exists here: a config of any other qualifier is missing.
    const fn = qualifier === '$LATEST' ? this.options.lambda.find(reference.name) : undefined;
    const functionMissing = () => new LambdaError('ResourceNotFoundException', "The function doesn't exist.", 404, 'Message');
    const configMissing = () => new LambdaError('ResourceNotFoundException', `The function ${this.arnOf(reference.name)}:${qualifier} doesn't have an EventInvokeConfig`, 404, 'Message');
    if (list && method === 'GET') {
      const listed = this.options.lambda.find(reference.name);
      if (listed === undefined) throw functionMissing();
      const config = listed.eventInvokeConfig;
      return { status: 200, body: { FunctionEventInvokeConfigs: config === undefined ? [] : [eventInvokeConfigOutput(config, listed.arn)] } };
    }
    if (list) throw LambdaErrors.unknownRoute(`/2019-09-25/functions/${name}/event-invoke-config/list`);
    if (method === 'PUT' || method === 'POST') {
      // The settings are checked before the function is looked for (put_functionname_nootherargs).
      const input = json(body);
      const now = this.options.clock.now();
      eventInvokeConfigOf(input, {}, now);
      if (this.options.lambda.find(reference.name) === undefined) throw functionMissing();
      if (fn === undefined || (method === 'POST' && fn.eventInvokeConfig === undefined)) throw configMissing();
      const config = eventInvokeConfigOf(input, method === 'POST' ? (fn.eventInvokeConfig ?? {}) : {}, now);
      checkDestinations(config, fn.arn, (arn) => this.options.lambda.find(arn) !== undefined);
      fn.eventInvokeConfig = config;
      return { status: 200, body: eventInvokeConfigOutput(fn.eventInvokeConfig, fn.arn) };
    }
    const config = fn?.eventInvokeConfig;
    if (fn === undefined || config === undefined) throw configMissing();
    if (method === 'GET') return { status: 200, body: eventInvokeConfigOutput(config, fn.arn) };
    if (method === 'DELETE') {
      delete fn.eventInvokeConfig;
      return { status: 204, body: undefined };
    }
    throw LambdaErrors.unknownRoute(`/2019-09-25/functions/${name}/event-invoke-config`);
  }

  /**
   * AddPermission (POST, 201 with the statement as JSON text), GetPolicy (GET, the document as JSON
   * text with its revision) and RemovePermission (DELETE `/policy/{sid}`, 204). A missing function or
   * policy is ResourceNotFoundException, in the words each operation uses (test_permission_exceptions).
   */
  private policyRoute(method: string, name: string, statementId: string | undefined, body: Buffer): RestAnswer {
    if (method === 'POST' && statementId === undefined) {
      const fn = this.lookup(name, false);
      const policy = this.policies.get(fn) ?? new FunctionPolicy();
      const statement = policy.add(json(body), fn.arn);
      this.policies.set(fn, policy);
      return { status: 201, body: { Statement: JSON.stringify(statement) } };
    }
    const fn = this.options.lambda.find(parseFunctionName(name, this.options.region).name);
    const policy = fn === undefined ? undefined : this.policies.get(fn);
    if (method === 'GET' && statementId === undefined) {
      if (policy === undefined || policy.isEmpty) throw LambdaErrors.resourceNotFound();
      return { status: 200, body: { Policy: JSON.stringify(policy.document()), RevisionId: policy.revisionId } };
    }
    if (method === 'DELETE' && statementId !== undefined) {
      if (fn === undefined) throw new LambdaError('ResourceNotFoundException', `No policy found for: ${this.arnOf(parseFunctionName(name, this.options.region).name)}`, 404, 'Message');
      if (policy === undefined || policy.isEmpty) throw new LambdaError('ResourceNotFoundException', 'No policy is associated with the given resource.', 404, 'Message');
      policy.remove(statementId);
      return { status: 204, body: undefined };
    }
    throw LambdaErrors.unknownRoute(`/2015-03-31/functions/${name}/policy`);
  }

  /**
   * The function a path names (name, partial or full ARN); a missing one is ResourceNotFoundException
   * with its ARN (Invoke names the version it looked for: `$LATEST` when unqualified).
   */
  private lookup(nameOrArn: string, invoking: boolean): LocalFunction {
    const reference = parseFunctionName(nameOrArn, this.options.region);
    const fn = this.options.lambda.find(reference.name);
    if (fn === undefined || (reference.qualifier !== undefined && reference.qualifier !== '$LATEST')) {
      const qualifier = reference.qualifier ?? (invoking ? '$LATEST' : undefined);
      throw LambdaErrors.functionNotFound(`${this.arnOf(reference.name)}${qualifier === undefined ? '' : `:${qualifier}`}`);
    }
    return fn;
  }

  private arnOf(name: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
  }

  private configuration(fn: LocalFunction, status?: 'created' | 'updated'): Record<string, unknown> {
    return functionConfiguration(fn, this.options.region, this.options.accountId, status);
  }

  private createFunction(input: Record<string, unknown>): Record<string, unknown> {
    const role = String(input['Role'] ?? '');
    if (!ROLE.test(role)) {
      throw LambdaErrors.validation(`1 validation error detected: Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
    }
    const reference = parseFunctionName(input['FunctionName'], this.options.region, { create: true });
    const runtime = validRuntime(input['Runtime']);
    if (this.options.lambda.find(reference.name) !== undefined) throw LambdaErrors.conflict(`Function already exist: ${reference.name}`);
    const architectures = validArchitectures(input['Architectures']);
    const settings = validSettings(input);
    const code = this.unpack(input['Code'], reference.name);
    const now = this.options.clock.now();
    const details: FunctionDetails = {
      role,
      description: String(input['Description'] ?? ''),
      codeSha256: code.sha256,
      codeSize: code.size,
      lastModified: lambdaTimestamp(now),
      revisionId: randomUUID(),
      architectures,
      hasEnvironment: input['Environment'] !== undefined,
      unpackedCode: code.directory,
    };
    const fn = this.createOrRefuse(
      {
        functionName: reference.name,
        assetDirectory: code.directory,
        handler: settings.handler ?? 'index.handler',
        runtime,
        timeoutSeconds: settings.timeout ?? 3,
        memoryMb: settings.memory ?? 128,
        region: this.options.region,
        accountId: this.options.accountId,
        environment: settings.environment ?? {},
        endpoint: this.options.endpoint(),
      },
      details,
    );
    const deadLetterArn = deadLetterTarget(input['DeadLetterConfig']);
    if (deadLetterArn !== undefined) fn.deadLetterTargetArn = deadLetterArn;
    return this.configuration(fn, 'created');
  }

  /** A Node.js runtime this machine has no Node for cannot run here: refused as an invalid value, naming it. */
  private createOrRefuse(...args: Parameters<LambdaService['create']>): LocalFunction {
    return refusingUnrunnable(() => this.options.lambda.create(...args));
  }

  private updateConfiguration(fn: LocalFunction, input: Record<string, unknown>): Record<string, unknown> {
    const settings = validSettings(input);
    const runtime = input['Runtime'] === undefined ? fn.config.runtime : validRuntime(input['Runtime']);
    if (input['Role'] !== undefined && !ROLE.test(String(input['Role']))) {
      throw LambdaErrors.validation(`1 validation error detected: Value '${String(input['Role'])}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
    }
    // UpdateFunctionConfiguration refuses a runtime that cannot run here as CreateFunction does (before any change).
    refusingUnrunnable(() => this.options.lambda.reconfigure(fn, {
      ...fn.config,
      runtime,
      ...(settings.handler === undefined ? {} : { handler: settings.handler }),
      ...(settings.timeout === undefined ? {} : { timeoutSeconds: settings.timeout }),
      ...(settings.memory === undefined ? {} : { memoryMb: settings.memory }),
      ...(settings.environment === undefined ? {} : { environment: settings.environment }),
    }));
    const deadLetterConfig = input['DeadLetterConfig'] as { TargetArn?: unknown } | undefined;
    if (deadLetterConfig?.TargetArn !== undefined) {
      // An empty TargetArn removes the dead-letter queue; an empty DeadLetterConfig changes nothing
      // (recorded on AWS: test_lambda_destinations.py::TestLambdaDLQ::test_dead_letter_queue, delete_dlq).
      const deadLetterArn = deadLetterTarget(deadLetterConfig);
      if (deadLetterArn === undefined) delete fn.deadLetterTargetArn;
      else fn.deadLetterTargetArn = deadLetterArn;
    }
    fn.details = {
      ...this.detailsOf(fn),
      ...(input['Role'] === undefined ? {} : { role: String(input['Role']) }),
      ...(input['Description'] === undefined ? {} : { description: String(input['Description']) }),
      ...(input['Environment'] === undefined ? {} : { hasEnvironment: true }),
      lastModified: lambdaTimestamp(this.options.clock.now()),
      revisionId: randomUUID(),
    };
    return this.configuration(fn, 'updated');
  }

  private updateCode(fn: LocalFunction, input: Record<string, unknown>): Record<string, unknown> {
    const code = this.unpack({ ZipFile: input['ZipFile'], S3Bucket: input['S3Bucket'], S3Key: input['S3Key'] }, fn.name);
    if (input['Architectures'] !== undefined) validArchitectures(input['Architectures']);
    this.options.lambda.reconfigure(fn, { ...fn.config, assetDirectory: code.directory });
    fn.details = {
      ...this.detailsOf(fn),
      codeSha256: code.sha256,
      codeSize: code.size,
      unpackedCode: code.directory,
      lastModified: lambdaTimestamp(this.options.clock.now()),
      revisionId: randomUUID(),
    };
    return this.configuration(fn, 'updated');
  }

  private detailsOf(fn: LocalFunction): FunctionDetails {
    return (
      fn.details ?? {
        role: `arn:aws:iam::${this.options.accountId}:role/local-cloud`,
        description: '',
        codeSha256: '',
        codeSize: 0,
        lastModified: lambdaTimestamp(this.options.clock.now()),
        revisionId: randomUUID(),
        architectures: ['x86_64'],
        hasEnvironment: Object.keys(fn.config.environment).length > 0,
      }
    );
  }

  private unpack(code: unknown, functionName: string) {
    const zip = this.packageOf(code);
    try {
      return this.code.unpack(zip, functionName);
    } catch (error) {
      if (error instanceof InvalidZipError || error instanceof RangeError) throw LambdaErrors.invalidParameter(error.message);
      throw error;
    }
  }

  /** The zip a request names: inline (`ZipFile`, base64) or an object of the local S3 (`S3Bucket` + `S3Key`). */
  private packageOf(code: unknown): Uint8Array {
    const { ZipFile: zip, S3Bucket: bucket, S3Key: key } = (code ?? {}) as { ZipFile?: unknown; S3Bucket?: unknown; S3Key?: unknown };
    if (typeof zip === 'string') return Buffer.from(zip, 'base64');
    const readObject = this.options.readObject;
    if (typeof bucket === 'string' && typeof key === 'string' && readObject !== undefined) {
      try {
        return readObject(bucket, key);
      } catch (error) {
        // Lambda's words when it cannot read the package, passing S3's error on.
        const { code = 'InternalError', message } = error as { code?: string; message: string };
        throw LambdaErrors.invalidParameter(`Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`);
      }
    }
    throw LambdaErrors.invalidParameter(`Please provide a source for function code (the local cloud takes Code.ZipFile${readObject === undefined ? '' : ', or Code.S3Bucket and Code.S3Key'}).`);
  }

  private listFunctions(query: URLSearchParams): Record<string, unknown> {
    const version = query.get('FunctionVersion');
    if (version !== null && version !== 'ALL') {
      throw LambdaErrors.validation(`1 validation error detected: Value '${version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`);
    }
    const all = this.options.lambda.all().sort((a, b) => a.name.localeCompare(b.name));
    const marker = query.get('Marker');
    const start = marker === null ? 0 : Math.max(0, all.findIndex((fn) => fn.name === marker));
    const maxItems = query.get('MaxItems') === null ? 50 : Math.min(50, Number(query.get('MaxItems')));
    const page = all.slice(start, start + maxItems);
    const next = all[start + maxItems];
    // List entries leave out the state members and the runtime version; with FunctionVersion=ALL the ARN names $LATEST.
    const entries = page.map((fn) => {
      const { State: _s, LastUpdateStatus: _u, RuntimeVersionConfig: _r, ...entry } = this.configuration(fn);
      return version === 'ALL' ? { ...entry, FunctionArn: `${fn.arn}:$LATEST` } : entry;
    });
    return { Functions: entries, ...(next === undefined ? {} : { NextMarker: next.name }) };
  }

  private async invoke(fn: LocalFunction, body: Buffer, request: http.IncomingMessage): Promise<RestAnswer> {
    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw LambdaErrors.invalidRequestContent();
    }
    const { lambda } = this.options;
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return { status: 204, body: undefined };
    if (type === 'Event') {
      lambda.invokeAsync(fn, event, body.length === 0 ? '{}' : body.toString('utf8'));
      return { status: 202, body: undefined };
    }
    if (type !== 'RequestResponse') throw LambdaErrors.invalidParameter(`Invalid invocation type ${type}: use RequestResponse, Event or DryRun.`);
    const tail = request.headers['x-amz-log-type'] === 'Tail';
    const outcome = await lambda.invoke(fn, event, { captureLogs: tail });
    const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST' };
    if (tail) headers['X-Amz-Log-Result'] = Buffer.from((outcome.logs ?? []).join('\n').slice(-4096)).toString('base64');
    if (!outcome.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    return { status: 200, headers, body: outcome.ok ? outcome.result : outcome.error };
  }
}

/** DeadLetterConfig.TargetArn, or undefined when the config names no target. */
function deadLetterTarget(config: unknown): string | undefined {
  const arn = (config as { TargetArn?: unknown } | null | undefined)?.TargetArn;
  if (arn === undefined || arn === null || arn === '') return undefined;
  // The model's pattern for TargetArn (what the ARN names is not checked here).
  if (typeof arn !== 'string' || !/^arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*$/.test(arn)) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(arn)}' at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`);
  }
  return arn;
}

/** Runs `change`; the service's refusal of a runtime it has no Node for becomes InvalidParameterValueException naming it. */
function refusingUnrunnable<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof UnsupportedRuntimeError) throw LambdaErrors.invalidParameter(error.message);
    throw error;
  }
}

function json(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw LambdaErrors.invalidRequestContent();
}

/** The runtime must be one Lambda knows; the local cloud runs the Node.js ones. */
function validRuntime(value: unknown): string {
  const runtime = String(value ?? '');
  if (!RUNTIMES.includes(runtime)) {
    throw LambdaErrors.invalidParameter(`Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${RUNTIMES.join(', ')}] or be a valid ARN`);
  }
  if (!runtime.startsWith('nodejs')) throw LambdaErrors.invalidParameter(`The local cloud runs Node.js functions only; runtime ${runtime} cannot run here.`);
  return runtime;
}

function validArchitectures(value: unknown): string[] {
  if (value === undefined) return ['x86_64'];
  const list = Array.isArray(value) ? value.map(String) : [];
  if (list.length > 1) {
    throw LambdaErrors.validation(`1 validation error detected: Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1`);
  }
  if (list.length === 0 || !['x86_64', 'arm64'].includes(list[0]!)) {
    throw LambdaErrors.validation(`1 validation error detected: Value '[${list.join(', ')}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]`);
  }
  return list;
}

/** Handler, Timeout (1-900 s), MemorySize (128-10,240 MB) and Environment, as Lambda validates them. */
function validSettings(input: Record<string, unknown>): { handler?: string; timeout?: number; memory?: number; environment?: Record<string, string> } {
  const handler = input['Handler'] === undefined ? undefined : String(input['Handler']);
  if (handler !== undefined && (!/^[^\s]+$/.test(handler) || handler.length > 128)) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
  }
  const timeout = input['Timeout'] === undefined ? undefined : Number(input['Timeout']);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value ${timeout < 1 ? 'greater than or equal to 1' : 'less than or equal to 900'}`);
  }
  const memory = input['MemorySize'] === undefined ? undefined : Number(input['MemorySize']);
  if (memory !== undefined && (!Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value ${memory < 128 ? 'greater than or equal to 128' : 'less than or equal to 10240'}`);
  }
  const variables = (input['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  let environment: Record<string, string> | undefined;
  if (input['Environment'] !== undefined) {
    environment = Object.fromEntries(Object.entries(variables ?? {}).map(([key, value]) => [key, String(value)]));
    const measured = JSON.stringify(environment);
    if (Buffer.byteLength(measured) > 4096) {
      throw LambdaErrors.invalidParameter(
        `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
      );
    }
  }
  return {
    ...(handler === undefined ? {} : { handler }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(memory === undefined ? {} : { memory }),
    ...(environment === undefined ? {} : { environment }),
  };
}
