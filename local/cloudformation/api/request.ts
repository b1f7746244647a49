import { AwsError } from '../../aws-error';
import { booleanParam, queryStringList, queryStructList, type QueryParams } from '../../gateway/query-protocol';

/** Reads the text a `TemplateURL` names (an S3 object of the local cloud); throws CloudFormation's `ValidationError`. */
export type TemplateUrlReader = (url: string) => Promise<string>;

const STACK_NAME = /^(?:[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*)$/;

/** A stack name as CreateStack and CreateChangeSet accept it (letters, digits, hyphens; up to 128). */
export function checkStackName(name: string): void {
  if (!STACK_NAME.test(name)) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`,
    );
  }
  if (!name.startsWith('arn:') && name.length > 128) {
    throw new AwsError('ValidationError', `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128`);
  }
}

/** The stack name an action requires, in CloudFormation's words when missing. */
export function stackNameParam(params: QueryParams): string {
  const name = params['StackName'];
  if (name === undefined || name === '') throw new AwsError('ValidationError', 'StackName is a required parameter.');
  return name;
}

/** The `TemplateBody` or the text `TemplateURL` names; undefined when neither was sent. */
export async function templateTextParam(params: QueryParams, readUrl: TemplateUrlReader): Promise<string | undefined> {
  const body = params['TemplateBody'];
  const url = params['TemplateURL'];
  if (body !== undefined && url !== undefined) throw new AwsError('ValidationError', 'Specify exactly one of TemplateBody or TemplateUrl.');
  if (body !== undefined) {
    if (Buffer.byteLength(body) > 51_200) {
      throw new AwsError('ValidationError', `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200`);
    }
    return body;
  }
  if (url !== undefined) return readUrl(url);
  return undefined;
}

/** `Parameters.member.N`: a key with a value or `UsePreviousValue`. */
export function parametersParam(params: QueryParams): Array<{ key: string; value?: string; usePrevious: boolean }> {
  return (queryStructList(params, 'Parameters') ?? []).map((p, i) => {
    const key = p['ParameterKey'];
    if (key === undefined) throw new AwsError('ValidationError', `Parameters.member.${i + 1}.ParameterKey is required.`);
    const usePrevious = booleanParam(p, 'UsePreviousValue') ?? false;
    const value = p['ParameterValue'];
    if (usePrevious && value !== undefined) throw new AwsError('ValidationError', `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true and non empty value for a parameter`);
    return { key, ...(value === undefined ? {} : { value }), usePrevious };
  });
}

/** `Tags.member.N` as key/value pairs. */
export function tagsParam(params: QueryParams): Array<{ key: string; value: string }> | undefined {
  return queryStructList(params, 'Tags')?.map((t) => ({ key: t['Key'] ?? '', value: t['Value'] ?? '' }));
}

/** `Capabilities.member.N`. */
export function capabilitiesParam(params: QueryParams): string[] {
  const capabilities = queryStringList(params, 'Capabilities') ?? [];
  for (const c of capabilities) {
    if (!['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'].includes(c)) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '[${c}]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]]`);
    }
  }
  return capabilities;
}

/** Whether a stack status is an operation under way (the stack cannot be changed meanwhile). */
export function inProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}
