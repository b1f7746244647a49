/**
 * The AWS query protocol (STS, CloudFormation, IAM, ...): a request is a form
 * (`Content-Type: application/x-www-form-urlencoded`, or the URL's query string) holding
 * `Action=...&Version=...` and the input flattened into dotted keys; the answer is XML.
 *
 * A service implements {@link QueryGatewayService}; the gateway picks it by the service the request was
 * signed for (`signingName`), or by `Version` for an unsigned request, parses the form into
 * {@link QueryParams} and renders what `handle` returns as `<ActionResponse xmlns><ActionResult>...`
 * (see `query-xml.ts` for how values are written). An {@link AwsError} thrown becomes
 * `<ErrorResponse><Error><Type>Sender</Type><Code>type</Code><Message>...` with its status.
 * A service is served once it is in the gateway's `query` list (`local/cloud.ts`: `const query = [sts, ...]`).
 * SQS's query protocol is not served: it keeps the JSON `UnsupportedProtocol` answer.
 *
 * @example
 * const cloudFormation: QueryGatewayService = {
 *   signingName: 'cloudformation',
 *   name: 'cloudformation',
 *   version: '2010-05-15',
 *   xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
 *   async handle(action, params, caller) { // caller: { accessKeyId, region } from the signature
 *     if (action !== 'CreateStack') throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-15`);
 *     const name = requiredParam(params, 'StackName');
 *     // Parameters.member.1.ParameterKey=A&Parameters.member.1.ParameterValue=1 -> [{ ParameterKey: 'A', ParameterValue: '1' }]
 *     const parameters = queryStructList(params, 'Parameters') ?? [];
 *     const capabilities = queryStringList(params, 'Capabilities') ?? []; // Capabilities.member.1=CAPABILITY_IAM
 *     const tags = queryStructList(params, 'Tags')?.map((t) => ({ Key: t['Key'], Value: t['Value'] }));
 *     return { StackId: `arn:aws:cloudformation:...:stack/${name}/...` };
 *     // Lists render as <member> items ([] as an empty element), Dates as ISO-8601, booleans as true/false;
 *     // return undefined for an action whose answer has no Result element (DeleteStack).
 *   },
 * };
 */
import { AwsError } from '../aws-error';

/** The request's flattened parameters (`Action` removed): `Parameters.member.1.ParameterKey` -> value. */
export type QueryParams = Readonly<Record<string, string>>;

/** A service behind the endpoint speaking the query protocol. */
export interface QueryGatewayService {
  /** The SigV4 signing name the SDKs sign its requests with: `sts`, `cloudformation`. */
  readonly signingName: string;
  /** Its name in the health answer. */
  readonly name: string;
  /** Its API version (`Version=`), which picks it for a request that is not signed. */
  readonly version: string;
  /** The namespace of its answers: `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlns: string;
  /**
   * Serves one action. The result becomes the `<ActionResult>` element (undefined: none); throw an
   * {@link AwsError} for the service's errors (`ValidationError`, `AccessDenied`, ...).
   */
  handle(action: string, params: QueryParams, caller: QueryCaller): Promise<Record<string, unknown> | undefined>;
}

/** Who sent a request, as far as its signature says (signatures are not checked). */
export interface QueryCaller {
  /** The access key id the request was signed with; undefined when unsigned. */
  readonly accessKeyId?: string;
  /** The region it was signed for; undefined when unsigned. */
  readonly region?: string;
}

const ACCESS_KEY = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//;

/** Reads the access key id and region from a request's `Authorization` header or presigned `X-Amz-Credential`. */
export function queryCaller(authorization: string | undefined, search: URLSearchParams): QueryCaller {
  const fromHeader = authorization === undefined ? null : ACCESS_KEY.exec(authorization);
  if (fromHeader !== null) return { accessKeyId: fromHeader[1]!, region: fromHeader[2]! };
  const parts = search.get('X-Amz-Credential')?.split('/');
  if (parts === undefined || parts.length < 3) return {};
  return { accessKeyId: parts[0]!, region: parts[2]! };
}

/**
 * Reads a query-protocol request's parameters: the URL's query string, then the form body (the body wins,
 * as a POST carries the input there). Keys and values are percent-decoded, `+` is a space.
 */
export function parseQueryParams(body: string, search = ''): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const source of [search, body]) {
    for (const [key, value] of new URLSearchParams(source)) params[key] = value;
  }
  return params;
}

/** A parameter the action requires: missing, it is the `ValidationError` AWS answers, naming it. */
export function requiredParam(params: QueryParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw new AwsError('ValidationError', `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** An optional boolean parameter (`true`/`false`, any case); anything else is a `ValidationError` naming it. */
export function booleanParam(params: QueryParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new AwsError('ValidationError', `Invalid boolean value '${value}' for parameter ${name}.`);
}

/** An optional integer parameter; anything but an integer is a `ValidationError` naming it. */
export function integerParam(params: QueryParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new AwsError('ValidationError', `Invalid integer value '${value}' for parameter ${name}.`);
  return Number(value);
}

/**
 * The parameters of a nested structure, its prefix removed:
 * `queryStruct(p, 'RollbackConfiguration')` of `RollbackConfiguration.MonitoringTimeInMinutes=5` is
 * `{ MonitoringTimeInMinutes: '5' }`. Undefined when no key starts with `name.`.
 */
export function queryStruct(params: QueryParams, name: string): QueryParams | undefined {
  const prefix = `${name}.`;
  let found: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    found ??= Object.create(null) as Record<string, string>;
    found[key.slice(prefix.length)] = value;
  }
  return found;
}

/**
 * A list of structures, `name.member.N.Field`, ordered by N: each item holds its fields with the prefix
 * removed (nested lists inside stay flattened for {@link queryStringList} and friends). `[]` when the list
 * was sent empty (`name=`, as SDK v3 sends an empty list); undefined when it was not sent at all.
 */
export function queryStructList(params: QueryParams, name: string): QueryParams[] | undefined {
  const items = collectMembers(params, name, 'member');
  if (items === undefined) return undefined;
  return items.map(([, item]) => queryStruct(item, '') ?? {});
}

/** A list of strings, `name.member.N`, ordered by N; `[]` sent empty, undefined not sent. */
export function queryStringList(params: QueryParams, name: string): string[] | undefined {
  const items = collectMembers(params, name, 'member');
  if (items === undefined) return undefined;
  return items.map(([index, item]) => {
    const value = item[''];
    if (value === undefined) throw new AwsError('ValidationError', `${name}.member.${index} must be a value, not a structure.`);
    return value;
  });
}

/**
 * A map, `name.entry.N.key` / `name.entry.N.value` (the field names may differ, e.g. `Key`/`Value`);
 * `{}` sent empty, undefined not sent.
 */
export function queryMap(params: QueryParams, name: string, keyName = 'key', valueName = 'value'): Record<string, string> | undefined {
  const entries = collectMembers(params, name, 'entry');
  if (entries === undefined) return undefined;
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [index, entry] of entries) {
    const key = entry[`.${keyName}`];
    if (key === undefined) throw new AwsError('ValidationError', `${name}.entry.${index}.${keyName} is missing.`);
    map[key] = entry[`.${valueName}`] ?? '';
  }
  return map;
}

/**
 * Groups `name.<kind>.N...` by N (each group keyed by what follows N: '' for the value itself,
 * `.Field...` for a structure's fields), ordered by N. Undefined when the list was not sent.
 */
function collectMembers(params: QueryParams, name: string, kind: string): Array<[number, Record<string, string>]> | undefined {
  const prefix = `${name}.${kind}.`;
  const groups = new Map<number, Record<string, string>>();
  let sent = params[name] !== undefined;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    sent = true;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const indexText = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^[1-9]\d{0,5}$/.test(indexText)) throw new AwsError('ValidationError', `Invalid list index in parameter ${key}.`);
    const index = Number(indexText);
    let group = groups.get(index);
    if (group === undefined) {
      group = Object.create(null) as Record<string, string>;
      groups.set(index, group);
    }
    group[dot < 0 ? '' : rest.slice(dot)] = value;
  }
  if (!sent) return undefined;
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
