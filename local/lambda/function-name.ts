import { LambdaErrors } from './lambda-errors';

/**
 * The patterns Lambda checks a `FunctionName` against, quoted in its ValidationException:
 * CreateFunction's (no dots), and the one of the operations on an existing function.
 */
const CREATE_PATTERN_TEXT = '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const CREATE_PATTERN = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:(?<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9-_]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PATTERN_TEXT = '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
const PATTERN = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:(?<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9-_.]+)(?::(?<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;

/** A function reference: a name, a partial ARN (`123456789012:function:name`) or a full ARN, with an optional qualifier. */
export interface FunctionReference {
  readonly name: string;
  readonly qualifier?: string;
  readonly region?: string;
}

/**
 * Reads a `FunctionName` as Lambda does, throwing its errors: the pattern (ValidationException), the
 * length of an ARN (140) and, creating, of a name (64), and a function of another region. A longer
 * name is no error elsewhere: no function has it.
 */
export function parseFunctionName(value: unknown, region: string, options: { create?: boolean } = {}): FunctionReference {
  const text = typeof value === 'string' ? value : '';
  const match = (options.create ? CREATE_PATTERN : PATTERN).exec(text);
  if (match === null) {
    throw LambdaErrors.validation(
      `1 validation error detected: Value '${text}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${options.create ? CREATE_PATTERN_TEXT : PATTERN_TEXT}`,
    );
  }
  const { name = '', qualifier, region: arnRegion } = match.groups ?? {};
  if (text.length > 140) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${text}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140`);
  }
  if (options.create && name.length > 64) {
    throw LambdaErrors.invalidParameter(`1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  }
  if (arnRegion !== undefined && arnRegion !== region) {
    throw LambdaErrors.functionsOfOtherRegion(arnRegion, region);
  }
  return { name, ...(qualifier === undefined ? {} : { qualifier }), ...(arnRegion === undefined ? {} : { region: arnRegion }) };
}
