/**
 * Resolves CloudFormation intrinsic functions in a template value. What a reference means (a
 * physical name, an ARN, an export) is supplied by the caller, so the same resolver serves the local
 * cloud, which creates the resources, and tools that only read a deployed stack's outputs.
 */
export interface IntrinsicContext {
  readonly stackName: string;
  /** `AWS::StackId`. @default an id made of the stack's name */
  readonly stackId?: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
  readonly urlSuffix?: string;
  /** `Ref` of a resource or parameter of this stack. */
  ref(logicalId: string): unknown;
  /** `Fn::GetAtt` of a resource of this stack. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** `Fn::ImportValue` of an export of another stack. */
  importValue(exportName: string): unknown;
  /** Evaluates a named condition of the template. @default every condition is true */
  condition?(name: string): boolean;
  /** The template's `Mappings` (for `Fn::FindInMap`). @default none */
  readonly mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** `Fn::If` picks a branch; `AWS::NoValue` removes the property or list item that holds it. */
const NO_VALUE = Symbol('AWS::NoValue');

export class UnresolvableError extends Error {}

export function resolveIntrinsics(value: unknown, context: IntrinsicContext): unknown {
  const resolved = resolve(value, context);
  return resolved === NO_VALUE ? undefined : resolved;
}

function pseudo(name: string, context: IntrinsicContext): unknown {
  switch (name) {
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return context.accountId;
    case 'AWS::Partition':
      return context.partition ?? 'aws';
    case 'AWS::URLSuffix':
      return context.urlSuffix ?? 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return context.stackId ?? `arn:${context.partition ?? 'aws'}:cloudformation:${context.region}:${context.accountId}:stack/${context.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::NotificationARNs':
      return [];
    default:
      return undefined;
  }
}

function resolve(value: unknown, context: IntrinsicContext): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, context)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    const fn = INTRINSICS[key];
    if (fn !== undefined) return fn(arg, context);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolve(item, context);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

const str = (value: unknown, what: string): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableError(`${what} must resolve to a string, got ${JSON.stringify(value)}`);
};

const INTRINSICS: Record<string, (arg: unknown, context: IntrinsicContext) => unknown> = {
  Ref: (arg, context) => {
    const name = str(arg, 'Ref');
    return name.startsWith('AWS::') ? pseudo(name, context) : context.ref(name);
  },
  'Fn::GetAtt': (arg, context) => {
    const [logicalId, attribute] = typeof arg === 'string' ? (arg.split(/\.(.*)/s) as [string, string]) : (resolve(arg, context) as [string, string]);
    return context.getAtt(logicalId, attribute);
  },
  'Fn::Join': (arg, context) => {
    const [separator, items] = arg as [string, unknown];
    const list = resolve(items, context);
    if (!Array.isArray(list)) throw new UnresolvableError(`Fn::Join needs a list, got ${JSON.stringify(list)}`);
    return list.map((item) => str(item, 'Fn::Join item')).join(separator);
  },
  'Fn::Sub': (arg, context) => {
    const [text, variables = {}] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    const vars = resolve(variables, context) as Record<string, unknown>;
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal === '!') return `\${${name}}`;
      if (name in vars) return str(vars[name], `Fn::Sub \${${name}}`);
      if (name.startsWith('AWS::')) return str(pseudo(name, context), name);
      const dot = name.indexOf('.');
      return str(dot < 0 ? context.ref(name) : context.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    });
  },
  'Fn::Select': (arg, context) => {
    const [index, list] = resolve(arg, context) as [unknown, unknown];
    if (!Array.isArray(list)) throw new UnresolvableError(`Fn::Select needs a list, got ${JSON.stringify(list)}`);
    const item = list[Number(index)];
    if (item === undefined) throw new UnresolvableError(`Fn::Select index ${String(index)} is out of range (${list.length} items)`);
    return item;
  },
  'Fn::Split': (arg, context) => {
    const [separator, text] = resolve(arg, context) as [string, unknown];
    return str(text, 'Fn::Split source').split(separator);
  },
  'Fn::ImportValue': (arg, context) => context.importValue(str(resolve(arg, context), 'Fn::ImportValue')),
  'Fn::GetAZs': (_arg, context) => ['a', 'b', 'c'].map((zone) => `${context.region}${zone}`),
  'Fn::Base64': (arg, context) => Buffer.from(str(resolve(arg, context), 'Fn::Base64')).toString('base64'),
  'Fn::If': (arg, context) => {
    const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
    return resolve(evaluateCondition(name, context) ? whenTrue : whenFalse, context);
  },
  'Fn::Equals': (arg, context) => {
    const [a, b] = resolve(arg, context) as [unknown, unknown];
    return JSON.stringify(a) === JSON.stringify(b);
  },
  'Fn::And': (arg, context) => (arg as unknown[]).every((item) => resolve(item, context) === true),
  'Fn::Or': (arg, context) => (arg as unknown[]).some((item) => resolve(item, context) === true),
  'Fn::Not': (arg, context) => resolve((arg as unknown[])[0], context) !== true,
  Condition: (arg, context) => evaluateCondition(str(arg, 'Condition'), context),
  'Fn::FindInMap': (arg, context) => {
    const path = resolve(arg, context);
    if (!Array.isArray(path) || path.length < 3) throw new UnresolvableError('Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value');
    const [map, key, attribute] = path.map((part) => str(part, 'Fn::FindInMap'));
    const value = context.mappings?.[map!]?.[key!]?.[attribute!];
    if (value === undefined) throw new UnresolvableError(`Template error: Unable to get mapping for ${map}::${key}::${attribute}`);
    return value;
  },
};

function evaluateCondition(name: string, context: IntrinsicContext): boolean {
  return context.condition?.(name) ?? true;
}
