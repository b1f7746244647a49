import { parse as parseYaml, type Tags } from 'yaml';
import { AwsError } from '../aws-error';
import type { Template } from '../assembly/cloud-assembly';
import { referencesIn } from '../assembly/template-graph';

/** A template as the engine reads it: what the assembly reader knows, plus the parts only a deployment uses. */
export interface EngineTemplate extends Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Transform?: unknown;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions?: Array<{ Assert: unknown; AssertDescription?: string }> }>;
  Parameters?: Record<string, { Default?: unknown; Type?: string; NoEcho?: unknown }>;
  Resources?: Record<string, EngineResource>;
}

export interface EngineResource {
  [member: string]: unknown;
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** CloudFormation's `ValidationError` (what the query API answers for a template it refuses). */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400, 'ValidationError');
}

// YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) are the long forms' one-key objects.
const SHORT_FORMS = ['Ref', 'Condition', ...['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Contains', 'EachMemberEquals', 'EachMemberIn', 'ValueOf', 'ValueOfAll', 'RefAll'].map((f) => `Fn::${f}`)];
const YAML_TAGS: Tags = SHORT_FORMS.flatMap((name) => {
  const tag = `!${name.replace(/^Fn::/, '')}`;
  const wrap = (value: unknown) => ({ [name]: name === 'Fn::GetAtt' && typeof value === 'string' ? value.split(/\.(.*)/s).slice(0, 2) : value });
  return (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({
    tag,
    collection: nodeClass === 'scalar' ? undefined : nodeClass,
    resolve: (value: unknown) => wrap(typeof value === 'object' && value !== null && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value),
  })) as unknown as Tags;
});

/** Reads a template body (JSON or YAML, short forms included) and checks its structure as CloudFormation does. */
export function parseTemplate(body: string): EngineTemplate {
  let template: unknown;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      template = JSON.parse(body);
    } catch (error) {
      throw validationError(`Template format error: JSON not well-formed. (${(error as Error).message})`);
    }
  } else {
    try {
      template = parseYaml(body, { customTags: YAML_TAGS, intAsBigInt: false });
    } catch {
      throw validationError('Template format error: YAML not well-formed.');
    }
  }
  if (template === null || typeof template !== 'object' || Array.isArray(template)) throw validationError('Template format error: unsupported structure.');
  checkStructure(template as EngineTemplate);
  return template as EngineTemplate;
}

/** The template errors CloudFormation reports before it changes anything. */
export function checkStructure(template: EngineTemplate): void {
  const resources = template.Resources;
  if (resources === undefined || resources === null || typeof resources !== 'object' || Object.keys(resources).length === 0) {
    throw validationError('Template format error: At least one Resources member must be defined.');
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource === null || typeof resource !== 'object') throw validationError('Template format error: Any Resources member must be an object.');
    if (typeof resource.Type !== 'string') throw validationError(`Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`);
  }
  const known = new Set([...Object.keys(resources), ...Object.keys(template.Parameters ?? {})]);
  const unresolved = new Set<string>();
  for (const resource of Object.values(resources)) {
    for (const name of referencesIn(resource.Properties)) if (!known.has(name)) unresolved.add(name);
    for (const name of [resource.DependsOn ?? []].flat()) if (resources[name] === undefined) unresolved.add(name);
  }
  if (unresolved.size > 0) throw validationError(`Template format error: Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`);
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    if (output === null || typeof output !== 'object' || output.Value === undefined) throw validationError('Template format error: Every Outputs member must contain a Value object');
    const missing = [...referencesIn(output.Value)].filter((name) => !known.has(name));
    if (missing.length > 0) throw validationError(`Unresolved resource dependencies [${missing.join(', ')}] in the Outputs block of the template`);
    void key;
  }
}
