import type { ParameterStore } from './provider';
import { validationError, type EngineTemplate } from './template';

/** A stack parameter as `DescribeStacks` shows it: the value given (or defaulted), and what an SSM-typed one resolved to. */
export interface ResolvedParameter {
  readonly key: string;
  readonly value: string;
  /** For `AWS::SSM::Parameter::Value<...>` types: the parameter store's value. */
  readonly resolvedValue?: string;
  /** What `Ref` gives: the resolved value, a list for list types. */
  readonly ref: unknown;
}

const SSM_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;

/**
 * The template's parameters with the given values, defaults for the rest; SSM-typed parameters
 * read from the parameter store. Refuses (ValidationError, CloudFormation's words) a parameter the
 * template does not declare, one with neither value nor default, and an SSM parameter that is missing.
 */
export function resolveParameters(template: EngineTemplate, given: Readonly<Record<string, string>>, ssm: ParameterStore | undefined, options: { readonly missingStandsForName?: boolean } = {}): ResolvedParameter[] {
  const declared = template.Parameters ?? {};
  const undeclared = Object.keys(given).filter((key) => declared[key] === undefined);
  if (undeclared.length > 0) throw validationError(`Parameters: [${undeclared.join(', ')}] do not exist in the template`);
  const missing = Object.keys(declared).filter((key) => given[key] === undefined && declared[key]!.Default === undefined);
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  const unfetched: string[] = [];
  const resolved = Object.entries(declared).map(([key, declaration]): ResolvedParameter => {
    const value = given[key] ?? String(declaration.Default);
    const type = declaration.Type ?? 'String';
    const ssmType = SSM_TYPE.exec(type)?.[1];
    if (ssmType !== undefined) {
      // Without a parameter store, or on the fast boot path (no bootstrap), the name stands for its value.
      const stored = ssm?.get(value) ?? (ssm === undefined || options.missingStandsForName ? { value } : undefined);
      if (stored === undefined) {
        unfetched.push(value);
        return { key, value, ref: value };
      }
      return { key, value, resolvedValue: stored.value, ref: isList(ssmType) ? stored.value.split(',') : stored.value };
    }
    return { key, value, ref: isList(type) ? (value === '' ? [] : value.split(',')) : value };
  });
  if (unfetched.length > 0) throw validationError(`Unable to fetch parameters [${unfetched.join(',')}] from parameter store for this account.`);
  return resolved;
}

const isList = (type: string) => type === 'CommaDelimitedList' || type.startsWith('List<');

/**
 * Checks the template's `Rules` (e.g. the CDK's `CheckBootstrapVersion`) against the parameters:
 * a rule whose condition holds and one of whose assertions fails refuses the template with the
 * assertion's description.
 */
export function checkRules(template: EngineTemplate, parameters: readonly ResolvedParameter[]): void {
  const refs = new Map(parameters.map((p) => [p.key, p.ref]));
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && evaluate(rule.RuleCondition, refs) !== true) continue;
    for (const assertion of rule.Assertions ?? []) {
      if (evaluate(assertion.Assert, refs) !== true) throw validationError(assertion.AssertDescription ?? `Template error: rule ${name} failed`);
    }
  }
}

/** The rule functions CloudFormation allows in `Rules`, over parameter values. */
function evaluate(value: unknown, refs: ReadonlyMap<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => evaluate(item, refs));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return Object.fromEntries(entries.map(([k, v]) => [k, evaluate(v, refs)]));
  const [fn, arg] = entries[0]!;
  const args = () => evaluate(arg, refs) as unknown[];
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      if (!refs.has(name)) throw validationError(`Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Rules block of the template`);
      return refs.get(name);
    }
    case 'Fn::Contains': {
      const [list, item] = args();
      return Array.isArray(list) && list.map(String).includes(String(item));
    }
    case 'Fn::EachMemberEquals': {
      const [list, item] = args();
      return Array.isArray(list) && list.every((member) => String(member) === String(item));
    }
    case 'Fn::EachMemberIn': {
      const [list, allowed] = args();
      return Array.isArray(list) && Array.isArray(allowed) && list.every((member) => allowed.map(String).includes(String(member)));
    }
    case 'Fn::Equals': {
      const [a, b] = args();
      return String(a) === String(b);
    }
    case 'Fn::Not':
      return args()[0] !== true;
    case 'Fn::And':
      return args().every((item) => item === true);
    case 'Fn::Or':
      return args().some((item) => item === true);
    default:
      return Object.fromEntries(entries.map(([k, v]) => [k, evaluate(v, refs)]));
  }
}
