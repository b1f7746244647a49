import type { Property, PropertyType } from '@aws-cdk/service-spec-types';
import { resourceTypeSpec, typeDefinitionOf } from './resource-spec';

/**
 * Resource properties checked as CloudFormation checks them before it creates anything, against
 * AWS's published resource specification (see resource-spec.ts): an unknown property, a value of
 * the wrong type, a missing required property. Problems are worded as CloudFormation's schema
 * validation words them in stack events (`#: required key [Code] not found`,
 * `#/Timeout: expected type: Integer, found: JSONObject`, `#: extraneous key [Foo] is not permitted`),
 * and a resource's are joined into its `CREATE_FAILED` reason by `propertiesValidationFailure`.
 *
 * Like CloudFormation, and never stricter: a value that is still an intrinsic function (`Ref`,
 * `Fn::GetAtt`, ...) is not checked; primitives convert into each other where CloudFormation converts
 * them (`"30"` is a fine Integer, `30` a fine String, `"true"` a fine Boolean); allowed values and
 * patterns are not checked (the specification's lists lag behind the services).
 */

/** What is wrong with one value. */
export type ProblemKind = 'unrecognized-type' | 'unsupported-property' | 'wrong-type' | 'missing-required';

/** One problem with a resource's properties, in CloudFormation's words. */
export interface PropertyProblem {
  readonly kind: ProblemKind;
  /** Where, as CloudFormation's messages point: `#` (the properties), `#/Code`, `#/Tags/0`. */
  readonly path: string;
  /** The property the problem is about: the unknown or missing key, or the last one of `path`. */
  readonly property?: string;
  /** CloudFormation's message: `#: required key [Code] not found`. */
  readonly message: string;
}

/** The reason a resource fails on its properties, as its `CREATE_FAILED` stack event gives it. */
export function propertiesValidationFailure(logicalId: string, problems: readonly PropertyProblem[]): string {
  return `Properties validation failed for resource ${logicalId} with message: ${problems.map((p) => p.message).join('\n')}`;
}

/** CloudFormation's refusal of templates naming types it does not have (a `ValidationError` of CreateChangeSet). */
export function unrecognizedResourceTypes(types: readonly string[]): string {
  return `Template format error: Unrecognized resource types: [${types.join(', ')}]`;
}

/**
 * Whether CloudFormation knows the resource type: the specification's types, custom resources
 * (`Custom::*`) and the CDK's `AWS::CDK::Metadata`, which CloudFormation accepts as they come.
 */
export function isKnownResourceType(type: string): boolean {
  return acceptsAnyProperties(type) || resourceTypeSpec(type) !== undefined;
}

/**
 * The problems with a resource's properties (`Properties` of the template, resolved or not), none
 * when it is valid. An unknown type is one `unrecognized-type` problem with CloudFormation's
 * template error (no resource of the template is created then).
 */
export function validateResource(type: string, properties: unknown): PropertyProblem[] {
  if (type === 'AWS::CDK::Metadata') return [];
  if (type.startsWith('Custom::')) return validateResource('AWS::CloudFormation::CustomResource', properties);
  const spec = resourceTypeSpec(type);
  if (spec === undefined) return [{ kind: 'unrecognized-type', path: '#', message: unrecognizedResourceTypes([type]) }];
  // A type a transform expands (AWS::Serverless::*) is checked by the transform, not here.
  if (spec.cloudFormationTransform !== undefined) return [];
  const value = properties ?? {};
  if (isIntrinsic(value)) return [];
  // A custom resource takes any properties besides its ServiceToken.
  return checkObject(spec.properties, value, '#', type === 'AWS::CloudFormation::CustomResource');
}

/** A template's resources section, as much of it as validation reads. */
export interface ValidatedTemplate {
  readonly Resources?: unknown;
}

/** One resource whose properties CloudFormation would refuse. */
export interface ResourceValidationFailure {
  readonly logicalId: string;
  readonly type: string;
  readonly problems: readonly PropertyProblem[];
  /** Its `CREATE_FAILED` reason: `Properties validation failed for resource X with message: ...`. */
  readonly reason: string;
}

/** What validating a template before creating anything finds. */
export interface TemplateValidation {
  /**
   * The template is refused as a whole, before any change set exists (CreateChangeSet's
   * `ValidationError`): `Template format error: Unrecognized resource types: [X]`, a resource without
   * a Type, no resources at all.
   */
  readonly templateError?: string;
  /** Resources whose properties fail, in template order; the stack fails and creates none of them. */
  readonly failures: readonly ResourceValidationFailure[];
}

/**
 * Validates every resource of a template before anything is created: first the template's shape and
 * its types (any unknown type refuses the whole template, listing each unknown type once), then each
 * resource's properties. `isCreated` leaves out resources that will not be created (a false Condition).
 */
export function validateTemplate(template: ValidatedTemplate, isCreated: (logicalId: string) => boolean = () => true): TemplateValidation {
  const resources = template.Resources;
  if (!isPlainObject(resources) || Object.keys(resources).length === 0) return { templateError: 'Template format error: At least one Resources member must be defined.', failures: [] };
  const unrecognized: string[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isPlainObject(resource)) return { templateError: 'Template format error: Any Resources member must be an object.', failures: [] };
    if (typeof resource['Type'] !== 'string') return { templateError: `Template format error: [/Resources/${logicalId}] Every Resources object must contain a Type member.`, failures: [] };
    if (!isKnownResourceType(resource['Type']) && !unrecognized.includes(resource['Type'])) unrecognized.push(resource['Type']);
  }
  if (unrecognized.length > 0) return { templateError: unrecognizedResourceTypes(unrecognized), failures: [] };
  const failures: ResourceValidationFailure[] = [];
  for (const [logicalId, resource] of Object.entries(resources as Record<string, Record<string, unknown>>)) {
    if (!isCreated(logicalId)) continue;
    const type = resource['Type'] as string;
    const problems = validateResource(type, resource['Properties']);
    if (problems.length > 0) failures.push({ logicalId, type, problems, reason: propertiesValidationFailure(logicalId, problems) });
  }
  return { failures };
}

/** A value CloudFormation resolves later (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`, ...): not checked. */
export function isIntrinsic(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

function acceptsAnyProperties(type: string): boolean {
  return type === 'AWS::CDK::Metadata' || type.startsWith('Custom::');
}

/** Checks an object against a shape: required keys first, then unknown keys, then each value (as CloudFormation's validator orders them). */
function checkObject(shape: Record<string, Property>, given: unknown, path: string, openEnded = false): PropertyProblem[] {
  if (!isPlainObject(given)) return [wrongType(path, 'JSONObject', given)];
  // A key whose value resolved to nothing (`Ref: AWS::NoValue`) is absent, as CloudFormation drops it.
  const value = Object.fromEntries(Object.entries(given).filter(([, item]) => item !== undefined));
  const problems: PropertyProblem[] = [];
  for (const [name, property] of Object.entries(shape)) {
    if (property.required === true && !(name in value)) {
      problems.push({ kind: 'missing-required', path, property: name, message: `${path}: required key [${name}] not found` });
    }
  }
  if (!openEnded) {
    for (const name of Object.keys(value)) {
      if (!(name in shape)) problems.push({ kind: 'unsupported-property', path, property: name, message: `${path}: extraneous key [${name}] is not permitted` });
    }
  }
  for (const [name, item] of Object.entries(value)) {
    const property = shape[name];
    if (property !== undefined) problems.push(...checkProperty(property, item, `${path}/${name}`));
  }
  return problems;
}

/** A property's value fits its current type or, as CloudFormation still takes them, one it had before. */
function checkProperty(property: Property, value: unknown, path: string): PropertyProblem[] {
  const problems = checkValue(property.type, value, path);
  if (problems.length === 0) return problems;
  return (property.previousTypes ?? []).some((type) => checkValue(type, value, path).length === 0) ? [] : problems;
}

function checkValue(type: PropertyType, value: unknown, path: string): PropertyProblem[] {
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case 'json':
      return [];
    case 'string':
    case 'date-time':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [] : [wrongType(path, 'String', value)];
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) ? [] : [wrongType(path, 'Integer', value)];
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) ? [] : [wrongType(path, 'Number', value)];
    case 'boolean':
      return typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value)) ? [] : [wrongType(path, 'Boolean', value)];
    case 'null':
      return value === null ? [] : [wrongType(path, 'Null', value)];
    case 'tag':
      return checkObject(TAG, value, path);
    case 'ref':
      return checkObject(typeDefinitionOf(type).properties, value, path);
    case 'array':
      if (!Array.isArray(value)) return [wrongType(path, 'JSONArray', value)];
      return value.flatMap((item, i) => checkValue(type.element, item, `${path}/${i}`));
    case 'map':
      if (!isPlainObject(value)) return [wrongType(path, 'JSONObject', value)];
      return Object.entries(value).flatMap(([key, item]) => checkValue(type.element, item, `${path}/${key}`));
    case 'union': {
      const attempts = type.types.map((member) => checkValue(member, value, path));
      return attempts.some((problems) => problems.length === 0) ? [] : (attempts[0] ?? []);
    }
  }
}

/** The shape of a tag (`{ Key, Value }`), the specification's built-in `tag` type. */
const TAG: Record<string, Property> = { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } };

function wrongType(path: string, expected: string, value: unknown): PropertyProblem {
  const property = path.slice(path.lastIndexOf('/') + 1);
  return { kind: 'wrong-type', path, property, message: `${path}: expected type: ${expected}, found: ${jsonTypeName(value)}` };
}

/** A JSON value's type as CloudFormation's validator names it (the Java JSON library's class names). */
function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  if (Array.isArray(value)) return 'JSONArray';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
