import { AwsError } from '../aws-error';
import { isUnderPath, parameterArn, readParameterName, type ParameterReference } from './parameter-names';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
const TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString'];
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
/** Parameter Store keeps a parameter's last 100 versions. */
const MAX_VERSIONS = 100;
const STANDARD_MAX_VALUE = 4096;
const ADVANCED_MAX_VALUE = 8192;
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)\s*[+*{]/;

/** One version of a parameter. */
export interface ParameterVersion {
  readonly name: string;
  readonly type: ParameterType;
  readonly value: string;
  readonly version: number;
  /** Milliseconds, in the cloud's clock. */
  readonly lastModified: number;
  readonly description?: string;
  readonly allowedPattern?: string;
  readonly dataType: string;
  readonly tier: string;
  readonly keyId?: string;
}

/** What PutParameter takes (the in-process `put` takes the same). */
export interface PutParameterInput {
  readonly name: string;
  readonly value: string;
  /** Required for a new parameter; an overwrite without it keeps the parameter's type. */
  readonly type?: string;
  readonly description?: string;
  readonly overwrite?: boolean;
  readonly allowedPattern?: string;
  readonly dataType?: string;
  readonly tier?: string;
  readonly keyId?: string;
  readonly tags?: ReadonlyArray<{ Key: string; Value: string }>;
}

export interface ParameterStoreOptions {
  readonly region: string;
  readonly accountId: string;
  /** The cloud's clock, for LastModifiedDate. */
  readonly now: () => number;
}

/**
 * SSM Parameter Store's parameters, in memory: names checked as AWS does, a version per write (the
 * last 100 kept, for `name:version`), one-level names the same with or without their slash. It is
 * also the CloudFormation engine's `ParameterStore` (`get`/`put`/`delete`): `AWS::SSM::Parameter`
 * resources, `AWS::SSM::Parameter::Value<...>` parameters and `{{resolve:ssm:...}}` read and write it.
 */
export class ParameterStore {
  /** Key (see `parameterKey`) -> versions, oldest first. */
  private readonly parameters = new Map<string, ParameterVersion[]>();
  private readonly tags = new Map<string, ReadonlyArray<{ Key: string; Value: string }>>();

  constructor(private readonly options: ParameterStoreOptions) {}

  /** The latest version of a parameter, or undefined (in-process; no errors for a bad name). */
  get(name: string): { value: string; type: string; version: number } | undefined {
    let key: string;
    try {
      key = readParameterName(name).key;
    } catch {
      return undefined;
    }
    const latest = this.parameters.get(key)?.at(-1);
    return latest === undefined ? undefined : { value: latest.value, type: latest.type, version: latest.version };
  }

  /** Creates or overwrites a parameter (in-process, as CloudFormation does); throws AwsError for bad input. */
  put(input: { name: string; value: string; type: string; description?: string }): void {
    this.putParameter({ ...input, overwrite: true });
  }

  /** Deletes a parameter; one already gone is not an error. */
  delete(name: string): void {
    try {
      this.parameters.delete(readParameterName(name).key);
    } catch {
      // A name that cannot exist is already gone.
    }
  }

  /** PutParameter: the new version's number. */
  putParameter(input: PutParameterInput): { version: number; tier: string } {
    const reference = readParameterName(input.name, { reserved: true });
    const versions = this.parameters.get(reference.key);
    const current = versions?.at(-1);
    if (current !== undefined && !input.overwrite) {
      throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    if (current !== undefined && input.tags !== undefined && input.tags.length > 0) {
      throw new AwsError(
        'ValidationException',
        'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
      );
    }
    if (input.type === undefined && current === undefined) throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.');
    const type = input.type ?? current!.type;
    if (!TYPES.includes(type as ParameterType)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    }
    const tier = input.tier ?? current?.tier ?? 'Standard';
    if (!['Standard', 'Advanced', 'Intelligent-Tiering'].includes(tier)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]`);
    }
    if (input.value.length === 0) throw new AwsError('ValidationException', "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const maxValue = tier === 'Standard' ? STANDARD_MAX_VALUE : ADVANCED_MAX_VALUE;
    if (input.value.length > maxValue) {
      throw new AwsError(
        'ValidationException',
        tier === 'Standard'
          ? `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`
          : `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${ADVANCED_MAX_VALUE}`,
      );
    }
    const dataType = input.dataType ?? current?.dataType ?? 'text';
    if (!DATA_TYPES.includes(dataType)) throw new AwsError('ValidationException', `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
    const allowedPattern = input.allowedPattern ?? current?.allowedPattern;
    if (allowedPattern !== undefined) checkAllowedPattern(allowedPattern, input.value);
    const description = input.description ?? current?.description;
    const keyId = type === 'SecureString' ? (input.keyId ?? current?.keyId ?? 'alias/aws/ssm') : undefined;
    const next: ParameterVersion = {
      // A new parameter keeps the name as written; an overwrite keeps the name it was created with.
      name: current?.name ?? reference.name,
      type: type as ParameterType,
      value: input.value,
      version: (current?.version ?? 0) + 1,
      lastModified: this.options.now(),
      dataType,
      tier,
      ...(description === undefined ? {} : { description }),
      ...(allowedPattern === undefined ? {} : { allowedPattern }),
      ...(keyId === undefined ? {} : { keyId }),
    };
    const list = versions ?? [];
    list.push(next);
    if (list.length > MAX_VERSIONS) list.shift();
    this.parameters.set(reference.key, list);
    if (current === undefined) this.tags.set(reference.key, input.tags ?? []);
    return { version: next.version, tier };
  }

  /**
   * The version a reference names (the latest without a selector), or undefined when the parameter does
   * not exist; `ParameterVersionNotFound` for a version or label it does not have.
   */
  find(reference: ParameterReference): ParameterVersion | undefined {
    const versions = this.parameters.get(reference.key);
    if (versions === undefined) return undefined;
    if (reference.selector === undefined) return versions.at(-1);
    const wanted = reference.selector.slice(1);
    const found = /^\d+$/.test(wanted) ? versions.find((v) => v.version === Number(wanted)) : undefined;
    if (found === undefined) {
      throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${wanted} of ${reference.name}. Verify the version and try again.`);
    }
    return found;
  }

  /** Deletes a parameter and its versions; false when it did not exist. */
  remove(reference: ParameterReference): boolean {
    this.tags.delete(reference.key);
    return this.parameters.delete(reference.key);
  }

  /** The latest version of every parameter under a path, in name order. */
  underPath(path: string, recursive: boolean): ParameterVersion[] {
    return this.all().filter((p) => isUnderPath(p.key, path, recursive)).map((p) => p.latest);
  }

  /** Every parameter's key and latest version, in name order. */
  all(): Array<{ key: string; latest: ParameterVersion }> {
    return [...this.parameters.entries()]
      .map(([key, versions]) => ({ key, latest: versions.at(-1)! }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  arn(name: string): string {
    return parameterArn(this.options.region, this.options.accountId, name);
  }
}

function checkAllowedPattern(pattern: string, value: string): void {
  let expression: RegExp;
  try {
    expression = new RegExp(pattern);
  } catch {
    throw new AwsError('InvalidAllowedPatternException', `The allowed pattern ${pattern} is not a valid regular expression.`);
  }
  // A pattern that nests quantifiers can backtrack for minutes on a long value: it is not run (accepted).
  if (NESTED_QUANTIFIER.test(pattern)) return;
  if (!expression.test(value)) throw new AwsError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);
}
