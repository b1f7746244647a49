import { AwsError } from '../aws-error';
import type { GatewayService } from '../gateway/server';
import { isUnderPath, readParameterName, readParameterPath } from './parameter-names';
import { ParameterStore, type ParameterVersion } from './parameter-store';

export interface SsmServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /** The cloud's clock, for LastModifiedDate. */
  readonly now: () => number;
}

type Input = Record<string, unknown>;

/**
 * AWS Systems Manager Parameter Store on the JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.*`):
 * PutParameter, GetParameter, GetParameters, GetParametersByPath, DeleteParameter(s),
 * DescribeParameters. `parameters` is the store itself, which CloudFormation reads and writes in process.
 */
export class SsmService implements GatewayService {
  readonly targetPrefix = 'AmazonSSM';
  readonly name = 'ssm';
  readonly contentType = 'application/x-amz-json-1.1';
  readonly parameters: ParameterStore;

  constructor(private readonly options: SsmServiceOptions) {
    this.parameters = new ParameterStore(options);
  }

  async handle(operation: string, input: Input): Promise<Record<string, unknown>> {
    switch (operation) {
      case 'PutParameter':
        return this.putParameter(input);
      case 'GetParameter':
        return this.getParameter(input);
      case 'GetParameters':
        return this.getParameters(input);
      case 'GetParametersByPath':
        return this.getParametersByPath(input);
      case 'DeleteParameter':
        return this.deleteParameter(input);
      case 'DeleteParameters':
        return this.deleteParameters(input);
      case 'DescribeParameters':
        return this.describeParameters(input);
      default:
        throw new AwsError('UnknownOperationException', `The local cloud's SSM does not serve ${operation}; it serves Parameter Store's PutParameter, GetParameter(s), GetParametersByPath, DeleteParameter(s) and DescribeParameters.`);
    }
  }

  private putParameter(input: Input): Record<string, unknown> {
    const tags = optionalArray(input, 'Tags')?.map((tag, index) => {
      const t = tag as Record<string, unknown>;
      if (typeof t?.['Key'] !== 'string' || typeof t['Value'] !== 'string') throw new AwsError('ValidationException', `Tags[${index}] needs a string Key and Value.`);
      return { Key: t['Key'], Value: t['Value'] };
    });
    const result = this.parameters.putParameter({
      name: requiredString(input, 'Name'),
      value: requiredString(input, 'Value'),
      ...optionalFields(input, { Type: 'type', Description: 'description', AllowedPattern: 'allowedPattern', DataType: 'dataType', Tier: 'tier', KeyId: 'keyId' }),
      overwrite: optionalBoolean(input, 'Overwrite') ?? false,
      ...(tags === undefined ? {} : { tags }),
    });
    return { Version: result.version, Tier: result.tier };
  }

  private getParameter(input: Input): Record<string, unknown> {
    const reference = readParameterName(requiredString(input, 'Name'), { selector: true });
    const found = this.parameters.find(reference);
    if (found === undefined) throw notFound(reference.name);
    return { Parameter: this.render(found, reference.name, reference.selector, optionalBoolean(input, 'WithDecryption') ?? false) };
  }

  private getParameters(input: Input): Record<string, unknown> {
    const names = nameList(input);
    const parameters: Record<string, unknown>[] = [];
    const invalid: string[] = [];
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
    for (const name of new Set(names)) {
      const reference = readParameterName(name, { selector: true });
      let found: ParameterVersion | undefined;
      try {
        found = this.parameters.find(reference);
      } catch (error) {
        // A version a parameter does not have makes the name invalid here, not the request.
        if (!(error instanceof AwsError) || error.type !== 'ParameterVersionNotFound') throw error;
      }
      if (found === undefined) invalid.push(name);
      else parameters.push(this.render(found, reference.name, reference.selector, withDecryption));
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  private getParametersByPath(input: Input): Record<string, unknown> {
    const path = readParameterPath(requiredString(input, 'Path'));
    const recursive = optionalBoolean(input, 'Recursive') ?? false;
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
    const filters = optionalArray(input, 'ParameterFilters') ?? [];
    let matching = this.parameters.underPath(path, recursive);
    for (const filter of filters) matching = matching.filter(parameterFilter(filter, ['Type', 'KeyId', 'Label']));
    const page = paginate(matching, input, 10);
    return { Parameters: page.items.map((p) => this.render(p, p.name, undefined, withDecryption)), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  }

  private deleteParameter(input: Input): Record<string, unknown> {
    const reference = readParameterName(requiredString(input, 'Name'));
    if (!this.parameters.remove(reference)) throw notFound(reference.name);
    return {};
  }

  private deleteParameters(input: Input): Record<string, unknown> {
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const name of new Set(nameList(input))) {
      const reference = readParameterName(name);
      (this.parameters.remove(reference) ? deleted : invalid).push(name);
    }
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  }

  private describeParameters(input: Input): Record<string, unknown> {
    let matching = this.parameters.all();
    for (const filter of optionalArray(input, 'Filters') ?? []) {
      // The older Filters: Name, Type, KeyId, each with Values (a name filter is "begins with").
      const f = filter as Record<string, unknown>;
      const key = String(f?.['Key']);
      const values = stringValues(f?.['Values'], `Filters ${key}`);
      if (!['Name', 'Type', 'KeyId'].includes(key)) throw new AwsError('InvalidFilterKey', `The filter key ${key} is not valid. Valid keys: Name, Type, KeyId.`);
      matching = matching.filter(({ latest }) => values.some((v) => (key === 'Name' ? latest.name.startsWith(v) : key === 'Type' ? latest.type === v : latest.keyId === v)));
    }
    for (const filter of optionalArray(input, 'ParameterFilters') ?? []) {
      const test = parameterFilter(filter, ['Name', 'Type', 'KeyId', 'Path', 'Tier', 'DataType']);
      matching = matching.filter(({ latest }) => test(latest));
    }
    const page = paginate(matching, input, 50);
    return {
      Parameters: page.items.map(({ latest }) => ({
        Name: latest.name,
        ARN: this.parameters.arn(latest.name),
        Type: latest.type,
        ...(latest.keyId === undefined ? {} : { KeyId: latest.keyId }),
        LastModifiedDate: latest.lastModified / 1000,
        LastModifiedUser: `arn:aws:iam::${this.options.accountId}:root`,
        ...(latest.description === undefined ? {} : { Description: latest.description }),
        ...(latest.allowedPattern === undefined ? {} : { AllowedPattern: latest.allowedPattern }),
        Version: latest.version,
        Tier: latest.tier,
        Policies: [],
        DataType: latest.dataType,
      })),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    };
  }

  /** A parameter as the Get actions answer it: named as asked, a SecureString's value opaque unless decrypted. */
  private render(parameter: ParameterVersion, askedName: string, selector: string | undefined, withDecryption: boolean): Record<string, unknown> {
    const hidden = parameter.type === 'SecureString' && !withDecryption;
    return {
      Name: askedName,
      Type: parameter.type,
      // AWS answers the KMS ciphertext; here an opaque stand-in that is not the value.
      Value: hidden ? Buffer.from(`local-kms:${parameter.keyId ?? 'alias/aws/ssm'}:${parameter.version}`).toString('base64') : parameter.value,
      Version: parameter.version,
      ...(selector === undefined ? {} : { Selector: selector }),
      LastModifiedDate: parameter.lastModified / 1000,
      ARN: this.parameters.arn(askedName),
      DataType: parameter.dataType,
    };
  }
}

function notFound(name: string): AwsError {
  return new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
}

function requiredString(input: Input, key: string): string {
  const value = input[key];
  if (value === undefined || value === null) throw new AwsError('ValidationException', `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${key} must be a string, not ${JSON.stringify(value)}.`);
  return value;
}

function optionalBoolean(input: Input, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsError('SerializationException', `${key} must be a boolean, not ${JSON.stringify(value)}.`);
  return value;
}

function optionalArray(input: Input, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsError('SerializationException', `${key} must be a list.`);
  return value;
}

/** The optional string fields of an input, renamed. */
function optionalFields(input: Input, names: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(names)) {
    const value = input[from];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new AwsError('SerializationException', `${from} must be a string, not ${JSON.stringify(value)}.`);
    out[to] = value;
  }
  return out;
}

/** `Names` of GetParameters and DeleteParameters: 1 to 10 strings. */
function nameList(input: Input): string[] {
  const names = optionalArray(input, 'Names');
  if (names === undefined) throw new AwsError('ValidationException', "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null");
  if (names.length < 1 || names.length > 10) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length ${names.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`);
  }
  return names.map((name, index) => {
    if (typeof name !== 'string') throw new AwsError('SerializationException', `Names[${index}] must be a string.`);
    return name;
  });
}

function stringValues(values: unknown, what: string): string[] {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new AwsError('InvalidFilterValue', `${what}: Values must be a list of strings.`);
  return values as string[];
}

/** A `ParameterFilters` item (Key, Option, Values) as a test of a parameter's latest version. */
function parameterFilter(filter: unknown, keys: readonly string[]): (p: ParameterVersion) => boolean {
  const f = (filter ?? {}) as Record<string, unknown>;
  const key = String(f['Key']);
  if (!keys.includes(key) && !key.startsWith('tag:')) throw new AwsError('InvalidFilterKey', `The filter key ${key} is not valid here. Valid keys: ${keys.join(', ')}.`);
  const option = f['Option'] === undefined ? (key === 'Path' ? 'OneLevel' : 'Equals') : String(f['Option']);
  const values = f['Values'] === undefined ? [] : stringValues(f['Values'], `ParameterFilters ${key}`);
  if (key === 'Path') {
    if (option !== 'OneLevel' && option !== 'Recursive') throw new AwsError('InvalidFilterOption', `The option ${option} is not valid for the Path filter. Valid options: OneLevel, Recursive.`);
    const paths = values.map(readParameterPath);
    return (p) => paths.some((path) => isUnderPath(p.name.startsWith('/') ? p.name : `/${p.name}`, path, option === 'Recursive'));
  }
  if (!['Equals', 'BeginsWith', 'Contains'].includes(option)) throw new AwsError('InvalidFilterOption', `The option ${option} is not valid. Valid options: Equals, BeginsWith, Contains.`);
  if (key === 'Label' || key.startsWith('tag:')) return () => false;
  const field = (p: ParameterVersion): string | undefined => (key === 'Name' ? p.name : key === 'Type' ? p.type : key === 'KeyId' ? p.keyId : key === 'Tier' ? p.tier : p.dataType);
  return (p) => {
    const actual = field(p);
    if (actual === undefined) return false;
    return values.some((v) => (option === 'Equals' ? actual === v : option === 'BeginsWith' ? actual.startsWith(v) : actual.includes(v)));
  };
}

/** A page of items: `MaxResults` (1 to `max`) from the offset the `NextToken` holds. */
function paginate<T>(items: readonly T[], input: Input, max: number): { items: T[]; nextToken?: string } {
  const limit = input['MaxResults'] ?? max;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(limit)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  const token = input['NextToken'];
  let offset = 0;
  if (token !== undefined && token !== null) {
    const decoded = typeof token === 'string' ? /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8')) : null;
    if (decoded === null) throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return { items: page, ...(next < items.length ? { nextToken: Buffer.from(`offset:${next}`).toString('base64') } : {}) };
}
