import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from '../aws-error';
import { integerParam, queryStructList, queryStringList, requiredParam, type QueryCaller, type QueryGatewayService, type QueryParams } from '../gateway/query-protocol';

export interface StsServiceOptions {
  readonly accountId: string;
  /** @default Date.now: credentials expire by the wall clock, which is what clients compare them with. */
  readonly now?: () => number;
}

/** Who a set of temporary credentials stands for. */
interface Identity {
  readonly arn: string;
  readonly userId: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SESSION_NAME = /^[\w+=,.@-]*$/;
const MAX_REMEMBERED = 10_000;

/**
 * AWS STS on the query protocol: GetCallerIdentity, AssumeRole (any well-formed role ARN: the local
 * cloud has no IAM to refuse it, as the CDK CLI assumes the bootstrap's deploy, lookup and publishing
 * roles) and GetSessionToken. Signatures are not checked; the credentials it hands out are remembered
 * so that GetCallerIdentity signed with them answers the assumed role, as AWS does.
 */
export class StsService implements QueryGatewayService {
  readonly signingName = 'sts';
  readonly name = 'sts';
  readonly version = '2011-06-15';
  readonly xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  private readonly issued = new Map<string, Identity>();
  private readonly now: () => number;

  constructor(private readonly options: StsServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  async handle(action: string, params: QueryParams, caller: QueryCaller): Promise<Record<string, unknown>> {
    switch (action) {
      case 'GetCallerIdentity':
        return this.getCallerIdentity(caller);
      case 'AssumeRole':
        return this.assumeRole(params);
      case 'GetSessionToken':
        return this.getSessionToken(params, caller);
      default:
        throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${this.version}`);
    }
  }

  private getCallerIdentity(caller: QueryCaller): Record<string, unknown> {
    const identity = (caller.accessKeyId === undefined ? undefined : this.issued.get(caller.accessKeyId)) ?? this.root();
    return { UserId: identity.userId, Account: this.options.accountId, Arn: identity.arn };
  }

  private assumeRole(params: QueryParams): Record<string, unknown> {
    const roleArn = requiredParam(params, 'RoleArn');
    const sessionName = requiredParam(params, 'RoleSessionName');
    const parts = roleArn.split(':');
    // arn:partition:service:region:account:resource, with a partition, a service and a resource.
    if (parts.length < 6 || parts[0] !== 'arn' || parts[1] === '' || parts[2] === '' || parts.slice(5).join(':') === '') throw new AwsError('ValidationError', `${roleArn} is invalid`);
    if (roleArn.length < 20 || roleArn.length > 2048) throw lengthError(roleArn, 'roleArn', 20, 2048);
    if (!SESSION_NAME.test(sessionName)) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (sessionName.length < 2 || sessionName.length > 64) throw lengthError(sessionName, 'roleSessionName', 2, 64);
    const duration = this.duration(params, 900, 43_200, 3600);
    checkSessionTags(params);
    // The role's name is the resource's last path segment (role/path/name); its id is stable per role.
    const roleName = parts.slice(5).join(':').split('/').pop() ?? '';
    const roleId = `AROA${stableId(roleArn, 17)}`;
    const identity: Identity = { arn: `arn:${parts[1]}:sts::${parts[4] || this.options.accountId}:assumed-role/${roleName}/${sessionName}`, userId: `${roleId}:${sessionName}` };
    return {
      Credentials: this.issue('ASIA', duration, identity),
      AssumedRoleUser: { AssumedRoleId: identity.userId, Arn: identity.arn },
      PackedPolicySize: params['Policy'] === undefined && queryStructList(params, 'Tags') === undefined ? undefined : 0,
    };
  }

  private getSessionToken(params: QueryParams, caller: QueryCaller): Record<string, unknown> {
    const duration = this.duration(params, 900, 129_600, 43_200);
    const identity = (caller.accessKeyId === undefined ? undefined : this.issued.get(caller.accessKeyId)) ?? this.root();
    return { Credentials: this.issue('ASIA', duration, identity) };
  }

  private duration(params: QueryParams, min: number, max: number, fallback: number): number {
    const seconds = integerParam(params, 'DurationSeconds') ?? fallback;
    if (seconds < min) throw new AwsError('ValidationError', `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
    if (seconds > max) throw new AwsError('ValidationError', `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    return seconds;
  }

  private issue(prefix: string, durationSeconds: number, identity: Identity): Record<string, unknown> {
    const accessKeyId = `${prefix}${randomText(16)}`;
    // Remembered for GetCallerIdentity, the oldest forgotten first so a client in a loop cannot grow it without end.
    if (this.issued.size >= MAX_REMEMBERED) this.issued.delete(this.issued.keys().next().value!);
    this.issued.set(accessKeyId, identity);
    return {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomBytes(30).toString('base64'),
      SessionToken: randomBytes(96).toString('base64'),
      Expiration: new Date(Math.floor(this.now() / 1000) * 1000 + durationSeconds * 1000),
    };
  }

  private root(): Identity {
    return { arn: `arn:aws:iam::${this.options.accountId}:root`, userId: this.options.accountId };
  }
}

/** Session tags: keys unique regardless of case, transitive keys among them (AWS's words). */
function checkSessionTags(params: QueryParams): void {
  const tags = queryStructList(params, 'Tags') ?? [];
  const keys = tags.map((tag) => (tag['Key'] ?? '').toLowerCase());
  if (new Set(keys).size !== keys.length) throw new AwsError('InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  for (const key of queryStringList(params, 'TransitiveTagKeys') ?? []) {
    if (!keys.includes(key.toLowerCase())) throw new AwsError('InvalidParameterValue', 'The specified transitive tag key must be included in the requested tags.');
  }
}

function lengthError(value: string, member: string, min: number, max: number): AwsError {
  const bound = value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
  return new AwsError('ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length ${bound}`);
}

function randomText(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** An id derived from a name, so one role always has one id (AWS's role ids are fixed per role). */
function stableId(name: string, length: number): string {
  return [...createHash('sha256').update(name).digest()].slice(0, length).map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}
