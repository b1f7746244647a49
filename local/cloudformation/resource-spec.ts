import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import type { Property, PropertyType, Resource, TypeDefinition } from '@aws-cdk/service-spec-types';

/**
 * AWS's published CloudFormation resource specification, as the CDK team ships it
 * (`@aws-cdk/aws-service-spec`: every resource type, its properties, their types, which are required
 * and which force a replacement). The database is a 2.6 MB gzipped JSON that takes ~0.4 s and ~30 MB
 * to load, so it is loaded on first use, once per process: the fast `npm start` path, which never
 * validates a template, never pays for it.
 */

let database: SpecDatabase | undefined;

/** The specification database, loaded on first use. */
export function resourceSpecDatabase(): SpecDatabase {
  if (database === undefined) {
    // Required here, not imported at the top: importing this module must cost nothing at boot.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec') as typeof import('@aws-cdk/aws-service-spec');
    database = loadAwsServiceSpecSync();
  }
  return database;
}

/** Whether the specification is loaded already (tests and the boot measurement check it is not on the fast path). */
export function isResourceSpecLoaded(): boolean {
  return database !== undefined;
}

/** A resource type's specification (`AWS::SQS::Queue`), or undefined when CloudFormation has no such type. */
export function resourceTypeSpec(type: string): Resource | undefined {
  return resourceSpecDatabase().lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

/** The type definition (a property's object shape) a `ref` property type points at. */
export function typeDefinitionOf(type: Extract<PropertyType, { type: 'ref' }>): TypeDefinition {
  return resourceSpecDatabase().get('typeDefinition', type.reference);
}

/** How CloudFormation names whether changing a property recreates the resource (change set `RequiresRecreation`). */
export type Recreation = 'Never' | 'Conditionally' | 'Always';

const RECREATION: Record<NonNullable<Property['causesReplacement']>, Recreation> = { no: 'Never', maybe: 'Conditionally', yes: 'Always' };

/**
 * Whether changing the property at `path` of a resource of `type` replaces the resource (a new
 * physical resource), as CloudFormation's change sets say it: `['QueueName']` of `AWS::SQS::Queue` is
 * `Always`; a nested path (`['Code', 'S3Key']`) is `Always` when any property along it is. A type
 * or property the specification does not know is `Never` (the engine updates in place what it can).
 */
export function requiresRecreation(type: string, path: string | readonly string[]): Recreation {
  const segments = typeof path === 'string' ? [path] : path;
  const resource = resourceTypeSpec(type);
  if (resource === undefined || segments.length === 0) return 'Never';
  const extra = resource.additionalReplacementProperties ?? [];
  if (extra.some((replacing) => replacing.length <= segments.length && replacing.every((segment, i) => segment === '*' || segment === segments[i]))) return 'Always';
  let properties: Record<string, Property> = resource.properties;
  let worst: Recreation = 'Never';
  for (let i = 0; i < segments.length; i++) {
    const property = properties[segments[i]!];
    if (property === undefined) break;
    const recreation = RECREATION[property.causesReplacement ?? 'no'];
    if (recreation === 'Always') return 'Always';
    if (recreation === 'Conditionally') worst = 'Conditionally';
    // A list's index or a map's key comes between a property and its element's properties.
    if (property.type.type === 'array' || property.type.type === 'map') i++;
    const shape = objectShape(property.type);
    if (shape === undefined) break;
    properties = shape.properties;
  }
  return worst;
}

/** The properties of a resource type whose change replaces the resource, by how surely (top level only). */
export function replacementProperties(type: string): { readonly always: readonly string[]; readonly conditionally: readonly string[] } {
  const properties = Object.entries(resourceTypeSpec(type)?.properties ?? {});
  return {
    always: properties.filter(([, p]) => p.causesReplacement === 'yes').map(([name]) => name),
    conditionally: properties.filter(([, p]) => p.causesReplacement === 'maybe').map(([name]) => name),
  };
}

/** The object shape under a property type: itself when a `ref`, its element's for lists and maps of them. */
function objectShape(type: PropertyType): TypeDefinition | undefined {
  if (type.type === 'ref') return typeDefinitionOf(type);
  if (type.type === 'array' || type.type === 'map') return objectShape(type.element);
  return undefined;
}
