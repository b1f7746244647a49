import { AwsError } from '../../aws-error';
import type { ParsedTemplate } from './template-text';

/** A parameter the template declares, as `GetTemplateSummary` / `ValidateTemplate` list it. */
export interface ParameterDeclaration {
  readonly key: string;
  readonly type: string;
  readonly defaultValue?: string;
  readonly noEcho: boolean;
  readonly description?: string;
  readonly allowedValues?: readonly string[];
}

/** IAM types that need `CAPABILITY_IAM`; with a name property given, `CAPABILITY_NAMED_IAM`. */
const IAM_NAME_PROPERTIES: Readonly<Record<string, string | undefined>> = {
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::UserToGroupAddition': undefined,
};

/** The template's parameters, in order, with their types and defaults as text. */
export function parameterDeclarations(template: ParsedTemplate): ParameterDeclaration[] {
  return Object.entries(template.Parameters ?? {}).map(([key, raw]) => {
    const declaration = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const defaultValue = declaration['Default'];
    const allowed = declaration['AllowedValues'];
    return {
      key,
      type: typeof declaration['Type'] === 'string' ? declaration['Type'] : 'String',
      ...(defaultValue === undefined ? {} : { defaultValue: Array.isArray(defaultValue) ? defaultValue.map(String).join(',') : String(defaultValue) }),
      noEcho: String(declaration['NoEcho'] ?? 'false').toLowerCase() === 'true',
      ...(typeof declaration['Description'] === 'string' ? { description: declaration['Description'] } : {}),
      ...(Array.isArray(allowed) ? { allowedValues: allowed.map(String) } : {}),
    };
  });
}

/** The resource types the template declares, sorted, each once. */
export function resourceTypes(template: ParsedTemplate): string[] {
  return [...new Set(Object.values(template.Resources ?? {}).map((r) => String((r as unknown as Record<string, unknown>)['Type'])))].sort();
}

/** The logical ids of each resource type, in template order. */
export function resourcesByType(template: ParsedTemplate): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type = String((resource as unknown as Record<string, unknown>)['Type']);
    byType.set(type, [...(byType.get(type) ?? []), logicalId]);
  }
  return byType;
}

/** The transforms the template declares (`Transform: AWS::Serverless-2016-10-31` or a list). */
export function declaredTransforms(template: ParsedTemplate): string[] {
  const transform = template.Transform;
  if (typeof transform === 'string') return [transform];
  if (Array.isArray(transform)) return transform.filter((t): t is string => typeof t === 'string');
  return [];
}

/**
 * The capabilities creating the template needs, with CloudFormation's reason: IAM resources need
 * `CAPABILITY_IAM` (named ones `CAPABILITY_NAMED_IAM`), transforms `CAPABILITY_AUTO_EXPAND`.
 */
export function requiredCapabilities(template: ParsedTemplate): { capabilities: string[]; reason?: string; resources: string[] } {
  const iam: string[] = [];
  let named = false;
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type = String((resource as unknown as Record<string, unknown>)['Type']);
    if (!(type in IAM_NAME_PROPERTIES)) continue;
    iam.push(logicalId);
    const nameProperty = IAM_NAME_PROPERTIES[type];
    const properties = (resource as unknown as Record<string, unknown>)['Properties'];
    if (nameProperty !== undefined && properties !== null && typeof properties === 'object' && nameProperty in properties) named = true;
  }
  const capabilities: string[] = [];
  if (iam.length > 0) capabilities.push(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
  if (declaredTransforms(template).length > 0) capabilities.push('CAPABILITY_AUTO_EXPAND');
  if (capabilities.length === 0) return { capabilities, resources: [] };
  const reason = iam.length > 0 ? `The following resource(s) require capabilities: [${[...new Set(iam.map((id) => String((template.Resources?.[id] as unknown as Record<string, unknown>)['Type'])))].join(', ')}]` : 'The template contains a transform.';
  return { capabilities, reason, resources: iam };
}

/** Refuses a template whose capabilities were not acknowledged, as CloudFormation does. */
export function checkCapabilities(template: ParsedTemplate, given: readonly string[]): void {
  const { capabilities } = requiredCapabilities(template);
  const missing = capabilities.filter((c) => !given.includes(c) && !(c === 'CAPABILITY_IAM' && given.includes('CAPABILITY_NAMED_IAM')));
  if (missing.length > 0) throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${missing.join(', ')}]`);
}

/**
 * The parameter values a stack gets: those given, the previous value where `UsePreviousValue` is
 * asked, the default otherwise. Refuses keys the template does not declare and parameters left
 * without a value, in CloudFormation's words.
 */
export function resolveParameterValues(
  template: ParsedTemplate,
  given: ReadonlyArray<{ readonly key: string; readonly value?: string; readonly usePrevious: boolean }>,
  previous: ReadonlyArray<{ readonly key: string; readonly value: string }>,
): Record<string, string> {
  const declared = parameterDeclarations(template);
  const unknown = given.filter((g) => !declared.some((d) => d.key === g.key)).map((g) => g.key);
  if (unknown.length > 0) throw new AwsError('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const declaration of declared) {
    const entry = given.find((g) => g.key === declaration.key);
    if (entry?.usePrevious) {
      const old = previous.find((p) => p.key === declaration.key);
      if (old === undefined) throw new AwsError('ValidationError', `Invalid input for parameter key ${declaration.key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
      values[declaration.key] = old.value;
    } else if (entry?.value !== undefined) values[declaration.key] = entry.value;
    else if (declaration.defaultValue !== undefined) values[declaration.key] = declaration.defaultValue;
    else missing.push(declaration.key);
  }
  if (missing.length > 0) throw new AwsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
  return values;
}
