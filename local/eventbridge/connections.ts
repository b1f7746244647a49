import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { ConstraintCheck, NAME_PATTERN } from './constraints';
import { EventsErrors } from './errors';
import { paginate } from './paginate';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const AUTHORIZATION_TYPES = ['BASIC', 'OAUTH_CLIENT_CREDENTIALS', 'API_KEY'] as const;
const HTTP_METHODS = ['HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'GET', 'OPTIONS'] as const;
const CONNECTION_ARN_PATTERN = '^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$';
const DEFAULT_RATE_LIMIT = 300;

interface Connection {
  readonly name: string;
  readonly arn: string;
  readonly secretArn: string;
  description?: string;
  authorizationType: string;
  authParameters: Record<string, unknown>;
  state: 'AUTHORIZED' | 'AUTHORIZING' | 'DEAUTHORIZED';
  readonly createdAt: number;
  modifiedAt: number;
  authorizedAt: number;
}

interface ApiDestination {
  readonly name: string;
  readonly arn: string;
  description?: string;
  connectionArn: string;
  invocationEndpoint: string;
  httpMethod: string;
  rateLimit: number;
  readonly createdAt: number;
  modifiedAt: number;
}

const seconds = (ms: number) => ms / 1000;

/**
 * EventBridge connections and API destinations, as records (the local cloud calls no HTTP
 * endpoint). Shapes as recorded on AWS (test_api_destinations_and_connection.py): a connection's
 * secrets (password, API key value, client secret) are never shown; a connection with OAuth client
 * credentials stays AUTHORIZING (it would need the authorization endpoint's token), and an API
 * destination using a connection that is not AUTHORIZED is INACTIVE.
 */
export class Connections {
  private readonly connections = new Map<string, Connection>();
  private readonly destinations = new Map<string, ApiDestination>();

  constructor(
    private readonly clock: Clock,
    private readonly where: { readonly region: string; readonly accountId: string },
  ) {}

  createConnection(input: Input): Output {
    checkConnection(input, true);
    const name = String(input['Name']);
    if (this.connections.has(name)) throw EventsErrors.alreadyExists(`Connection ${name} already exists.`);
    const now = this.clock.now();
    const { region, accountId } = this.where;
    const connection: Connection = {
      name,
      arn: `arn:aws:events:${region}:${accountId}:connection/${name}/${randomUUID()}`,
      secretArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:events!connection/${name}/${randomUUID()}-${randomBytes(4).toString('base64url').slice(0, 6)}`,
      ...(typeof input['Description'] === 'string' ? { description: input['Description'] } : {}),
      authorizationType: String(input['AuthorizationType']),
      authParameters: (input['AuthParameters'] ?? {}) as Record<string, unknown>,
      state: input['AuthorizationType'] === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : 'AUTHORIZED',
      createdAt: now,
      modifiedAt: now,
      authorizedAt: now,
    };
    this.connections.set(name, connection);
    return { ConnectionArn: connection.arn, ConnectionState: connection.state, CreationTime: seconds(now), LastModifiedTime: seconds(now) };
  }

  describeConnection(input: Input): Output {
    const connection = this.connection(input['Name']);
    return {
      ConnectionArn: connection.arn,
      Name: connection.name,
      ...(connection.description === undefined ? {} : { Description: connection.description }),
      ConnectionState: connection.state,
      AuthorizationType: connection.authorizationType,
      SecretArn: connection.secretArn,
      AuthParameters: withoutSecrets(connection.authParameters),
      CreationTime: seconds(connection.createdAt),
      LastModifiedTime: seconds(connection.modifiedAt),
      LastAuthorizedTime: seconds(connection.authorizedAt),
    };
  }

  listConnections(input: Input): Output {
    const prefix = typeof input['NamePrefix'] === 'string' ? input['NamePrefix'] : '';
    const state = typeof input['ConnectionState'] === 'string' ? input['ConnectionState'] : undefined;
    const items = [...this.connections.values()]
      .filter((c) => c.name.startsWith(prefix) && (state === undefined || c.state === state))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({
        ConnectionArn: c.arn,
        Name: c.name,
        ConnectionState: c.state,
        AuthorizationType: c.authorizationType,
        CreationTime: seconds(c.createdAt),
        LastModifiedTime: seconds(c.modifiedAt),
        LastAuthorizedTime: seconds(c.authorizedAt),
      }));
    return paginate(items, input, 'Connections');
  }

  updateConnection(input: Input): Output {
    checkConnection(input, false);
    const connection = this.connection(input['Name']);
    if (typeof input['Description'] === 'string') connection.description = input['Description'];
    if (typeof input['AuthorizationType'] === 'string') connection.authorizationType = input['AuthorizationType'];
    if (input['AuthParameters'] !== undefined) connection.authParameters = input['AuthParameters'] as Record<string, unknown>;
    connection.state = connection.authorizationType === 'OAUTH_CLIENT_CREDENTIALS' ? 'AUTHORIZING' : 'AUTHORIZED';
    connection.modifiedAt = connection.authorizedAt = this.clock.now();
    return this.summary(connection);
  }

  deleteConnection(input: Input): Output {
    const connection = this.connection(input['Name']);
    this.connections.delete(connection.name);
    return { ...this.summary(connection), ConnectionState: 'DELETING' };
  }

  deauthorizeConnection(input: Input): Output {
    const connection = this.connection(input['Name']);
    connection.state = 'DEAUTHORIZED';
    connection.modifiedAt = this.clock.now();
    return this.summary(connection);
  }

  createApiDestination(input: Input): Output {
    checkApiDestination(input, true);
    const name = String(input['Name']);
    if (this.destinations.has(name)) throw EventsErrors.alreadyExists(`An api-destination '${name}' already exists.`);
    const connectionArn = String(input['ConnectionArn']);
    this.connectionByArn(connectionArn);
    const now = this.clock.now();
    const destination: ApiDestination = {
      name,
      arn: `arn:aws:events:${this.where.region}:${this.where.accountId}:api-destination/${name}/${randomUUID()}`,
      ...(typeof input['Description'] === 'string' ? { description: input['Description'] } : {}),
      connectionArn,
      invocationEndpoint: String(input['InvocationEndpoint']),
      httpMethod: String(input['HttpMethod']),
      rateLimit: typeof input['InvocationRateLimitPerSecond'] === 'number' ? input['InvocationRateLimitPerSecond'] : DEFAULT_RATE_LIMIT,
      createdAt: now,
      modifiedAt: now,
    };
    this.destinations.set(name, destination);
    return this.destinationSummary(destination);
  }

  describeApiDestination(input: Input): Output {
    const destination = this.destination(input['Name']);
    return {
      ApiDestinationArn: destination.arn,
      Name: destination.name,
      ...(destination.description === undefined ? {} : { Description: destination.description }),
      ApiDestinationState: this.destinationState(destination),
      ConnectionArn: destination.connectionArn,
      InvocationEndpoint: destination.invocationEndpoint,
      HttpMethod: destination.httpMethod,
      InvocationRateLimitPerSecond: destination.rateLimit,
      CreationTime: seconds(destination.createdAt),
      LastModifiedTime: seconds(destination.modifiedAt),
    };
  }

  listApiDestinations(input: Input): Output {
    const prefix = typeof input['NamePrefix'] === 'string' ? input['NamePrefix'] : '';
    const connectionArn = typeof input['ConnectionArn'] === 'string' ? input['ConnectionArn'] : undefined;
    const items = [...this.destinations.values()]
      .filter((d) => d.name.startsWith(prefix) && (connectionArn === undefined || d.connectionArn === connectionArn))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((d) => {
        const { Description: _description, ...listed } = this.describeApiDestination({ Name: d.name });
        return listed;
      });
    return paginate(items, input, 'ApiDestinations');
  }

  updateApiDestination(input: Input): Output {
    checkApiDestination(input, false);
    const destination = this.destination(input['Name']);
    if (typeof input['ConnectionArn'] === 'string') {
      this.connectionByArn(input['ConnectionArn']);
      destination.connectionArn = input['ConnectionArn'];
    }
    if (typeof input['Description'] === 'string') destination.description = input['Description'];
    if (typeof input['InvocationEndpoint'] === 'string') destination.invocationEndpoint = input['InvocationEndpoint'];
    if (typeof input['HttpMethod'] === 'string') destination.httpMethod = input['HttpMethod'];
    if (typeof input['InvocationRateLimitPerSecond'] === 'number') destination.rateLimit = input['InvocationRateLimitPerSecond'];
    destination.modifiedAt = this.clock.now();
    return this.destinationSummary(destination);
  }

  deleteApiDestination(input: Input): Output {
    const destination = this.destination(input['Name']);
    this.destinations.delete(destination.name);
    return {};
  }

  private summary(connection: Connection): Output {
    return {
      ConnectionArn: connection.arn,
      ConnectionState: connection.state,
      CreationTime: seconds(connection.createdAt),
      LastModifiedTime: seconds(connection.modifiedAt),
      LastAuthorizedTime: seconds(connection.authorizedAt),
    };
  }

  private destinationSummary(destination: ApiDestination): Output {
    return {
      ApiDestinationArn: destination.arn,
      ApiDestinationState: this.destinationState(destination),
      CreationTime: seconds(destination.createdAt),
      LastModifiedTime: seconds(destination.modifiedAt),
    };
  }

  private destinationState(destination: ApiDestination): 'ACTIVE' | 'INACTIVE' {
    const connection = [...this.connections.values()].find((c) => c.arn === destination.connectionArn);
    return connection?.state === 'AUTHORIZED' ? 'ACTIVE' : 'INACTIVE';
  }

  private connection(name: unknown): Connection {
    const connection = this.connections.get(String(name));
    if (connection === undefined) throw EventsErrors.notFound(`Failed to describe the connection(s). Connection '${String(name)}' does not exist.`);
    return connection;
  }

  private connectionByArn(arn: string): Connection {
    const connection = [...this.connections.values()].find((c) => c.arn === arn);
    if (connection === undefined) throw EventsErrors.notFound(`Failed to describe the connection(s). Connection '${arn.split('/')[1] ?? arn}' does not exist.`);
    return connection;
  }

  private destination(name: unknown): ApiDestination {
    const destination = this.destinations.get(String(name));
    if (destination === undefined) throw EventsErrors.notFound(`Failed to describe the api-destination(s). An api-destination '${String(name)}' does not exist.`);
    return destination;
  }
}

/** CreateConnection's (and UpdateConnection's) model constraints, in the model's member order. */
function checkConnection(input: Input, creating: boolean): void {
  const check = new ConstraintCheck();
  if (check.required(input['Name'], 'name')) check.text(input['Name'], 'name', { pattern: NAME_PATTERN, min: 1, max: 64 });
  check.text(input['Description'], 'description', { max: 512 });
  if (!creating || check.required(input['AuthorizationType'], 'authorizationType')) check.oneOf(input['AuthorizationType'], 'authorizationType', AUTHORIZATION_TYPES);
  if (creating) check.required(input['AuthParameters'], 'authParameters');
  check.throwIfFailed();
}

/** CreateApiDestination's (and UpdateApiDestination's) model constraints, in the model's member order. */
function checkApiDestination(input: Input, creating: boolean): void {
  const check = new ConstraintCheck();
  if (check.required(input['Name'], 'name')) check.text(input['Name'], 'name', { pattern: NAME_PATTERN, min: 1, max: 64 });
  check.text(input['Description'], 'description', { max: 512 });
  if (!creating || check.required(input['ConnectionArn'], 'connectionArn')) check.text(input['ConnectionArn'], 'connectionArn', { pattern: CONNECTION_ARN_PATTERN, min: 1, max: 1600 });
  if (!creating || check.required(input['InvocationEndpoint'], 'invocationEndpoint')) check.text(input['InvocationEndpoint'], 'invocationEndpoint', { min: 1, max: 2048 });
  if (!creating || check.required(input['HttpMethod'], 'httpMethod')) check.oneOf(input['HttpMethod'], 'httpMethod', HTTP_METHODS);
  if (input['InvocationRateLimitPerSecond'] !== undefined) check.range(input['InvocationRateLimitPerSecond'], 'invocationRateLimitPerSecond', 1, 2_147_483_647);
  check.throwIfFailed();
}

/** Auth parameters as DescribeConnection shows them: the password, API key value and client secret left out. */
function withoutSecrets(parameters: Record<string, unknown>): Record<string, unknown> {
  const hidden = new Set(['Password', 'ApiKeyValue', 'ClientSecret']);
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => !hidden.has(key)).map(([key, inner]) => [key, strip(inner)]));
  };
  return strip(parameters) as Record<string, unknown>;
}
