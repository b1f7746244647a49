import { AwsError } from '../aws-error';

/** AWS's words for a name that breaks the naming rules (the LocalStack test checks "sub-paths divided by slash symbol"). */
const NAME_RULES =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
const RESERVED_PREFIX = /^\/?(aws|ssm)/i;
const MAX_LEVELS = 15;
const MAX_NAME_LENGTH = 2048;
const ARN = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/;

/** A parameter reference as the read actions take it: a name or an ARN, optionally `:version` or `:label`. */
export interface ParameterReference {
  /** The name as the caller wrote it (an ARN turned into its name), which the answers echo. */
  readonly name: string;
  /** The store's key: `/x` and `x` are one parameter, as on AWS (a one-level name's slash is optional). */
  readonly key: string;
  /** `:3` (a version) or `:label`, when given. */
  readonly selector?: string;
}

/**
 * Reads a name (or ARN) a caller gave, with its optional selector, refusing one that breaks the naming
 * rules with AWS's `ValidationException`. `reserved` also refuses the `aws`/`ssm` prefixes (for writes).
 */
export function readParameterName(given: string, options: { reserved?: boolean; selector?: boolean } = {}): ParameterReference {
  let text = given;
  const arn = ARN.exec(text);
  if (arn !== null) {
    // The ARN's resource is `parameter/a/b` for `/a/b` and `parameter/x` for `x`.
    const path = arn[1]!;
    text = path.indexOf('/', 1) < 0 ? path.slice(1) : path;
  }
  let selector: string | undefined;
  const colon = text.indexOf(':');
  if (options.selector && colon >= 0) {
    selector = text.slice(colon);
    text = text.slice(0, colon);
    if (selector.length < 2) throw new AwsError('ValidationException', `Invalid parameter selector in ${given}: put a version or a label after the colon.`);
  }
  if (text.length === 0) throw new AwsError('ValidationException', '1 validation error detected: Value \'\' at \'name\' failed to satisfy constraint: Member must have length greater than or equal to 1');
  if (text.length > MAX_NAME_LENGTH) throw new AwsError('ValidationException', `1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME_LENGTH}`);
  if (!NAME_CHARACTERS.test(text) || (text.includes('/') && !text.startsWith('/')) || text.includes('//') || (text.length > 1 && text.endsWith('/'))) {
    throw new AwsError('ValidationException', NAME_RULES);
  }
  if (options.reserved && RESERVED_PREFIX.test(text)) throw new AwsError('ValidationException', NAME_RULES);
  if (levels(text) > MAX_LEVELS) {
    throw new AwsError('HierarchyLevelLimitExceededException', `A hierarchy can have a maximum of ${MAX_LEVELS} levels. ${given} has ${levels(text)}.`);
  }
  return { name: text, key: parameterKey(text), ...(selector === undefined ? {} : { selector }) };
}

/** The store's key of a valid name: a one-level name with or without its leading slash is the same parameter. */
export function parameterKey(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

/** The parameter's ARN: `parameter` then the name, with one slash between. */
export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/**
 * A path for GetParametersByPath and the `Path` filter: starts with a slash; a trailing slash is
 * ignored; its key is what every parameter under it starts with.
 */
export function readParameterPath(path: string): string {
  if (!path.startsWith('/') || !NAME_CHARACTERS.test(path) || path.includes('//')) {
    throw new AwsError('ValidationException', `The parameter doesn't meet the parameter name requirements. The path must begin with a forward slash "/" and use only letters, numbers, and the symbols . - _ /; ${path} does not.`);
  }
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (levels(trimmed) > MAX_LEVELS) throw new AwsError('HierarchyLevelLimitExceededException', `A hierarchy can have a maximum of ${MAX_LEVELS} levels.`);
  return trimmed;
}

/** Whether a stored key is under a path: directly (one level down) or, recursive, at any depth. */
export function isUnderPath(key: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!key.startsWith(prefix) || key.length === prefix.length) return false;
  return recursive || !key.slice(prefix.length).includes('/');
}

function levels(name: string): number {
  return name.split('/').filter((part) => part !== '').length;
}
