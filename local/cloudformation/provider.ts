import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock';
import type { EventBridgeService } from '../eventbridge/eventbridge-service';
import type { LambdaService } from '../lambda/lambda-service';
import type { SqsService } from '../sqs/sqs-service';

/**
 * One resource type's create, update and delete, as CloudFormation's resource providers do them. The
 * engine (`engine.ts`) calls providers through this interface only; each lives in its service's
 * folder (`sqs/queue.provider.ts`, ...) and is registered in `providers.ts`.
 */
export interface ResourceProvider {
  /** The CloudFormation type, e.g. `AWS::SQS::Queue`. */
  readonly type: string;
  /**
   * Properties whose change needs a new physical resource (the resource specification's
   * `causesReplacement: yes`); a change to any other property is updated in place.
   * @default none: every change is an update
   */
  readonly replaceOn?: readonly string[];
  create(logicalId: string, properties: Properties, ctx: ProviderContext): Promise<ProvidedResource>;
  /** Updates in place; returns `NEEDS_REPLACEMENT` when it cannot (the engine then creates a new one). */
  update(physicalId: string, previous: Properties, next: Properties, ctx: ProviderContext): Promise<ProvidedResource | typeof NEEDS_REPLACEMENT>;
  /** Deletes the resource; one already gone is not an error (a rollback may delete twice). */
  delete(physicalId: string, properties: Properties, ctx: ProviderContext): Promise<void>;
}

/** Resolved resource properties (intrinsics done). */
export type Properties = Readonly<Record<string, unknown>>;

/** What `Ref` (physicalId) and `Fn::GetAtt` (attributes) of a resource give. */
export interface ProvidedResource {
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Returned by `update` when the change needs a new physical resource. */
export const NEEDS_REPLACEMENT = Symbol('needs replacement');

/** An error a provider raises for a request the service refuses; the engine reports its message as the resource's reason. */
export class ResourceProviderError extends Error {}

/** Where a function's code comes from: a template's `Code` (S3Bucket/S3Key of an asset, or ZipFile). */
export type AssetResolver = (code: FunctionCodeLocation, functionName: string) => Promise<string>;

export interface FunctionCodeLocation {
  readonly S3Bucket?: string;
  readonly S3Key?: string;
  readonly S3ObjectVersion?: string;
  readonly ZipFile?: string;
}

/** Lambda's event source mapping control plane, as the provider uses it (`EventSourceMappings`). */
export interface MappingControl {
  create(input: Record<string, unknown>): Record<string, unknown> | Promise<Record<string, unknown>>;
  update(uuid: string, input: Record<string, unknown>): Record<string, unknown>;
  delete(uuid: string): Record<string, unknown>;
}

/** SSM parameters, as `AWS::SSM::Parameter` and `{{resolve:ssm:...}}` use them. */
export interface ParameterStore {
  get(name: string): { value: string; type: string; version: number } | undefined;
  put(input: { name: string; value: string; type: string; description?: string }): void;
  delete(name: string): void;
}

/** S3, as `AWS::S3::Bucket` uses it (`S3Service`). */
export interface BucketStore {
  createBucket(name: string): unknown;
  deleteBucket(name: string, options?: { readonly force?: boolean }): void;
  hasBucket(name: string): boolean;
}

/** CloudWatch Logs' groups, as `AWS::Logs::LogGroup` uses them (`LogsService`). */
export interface LogGroupStore {
  hasLogGroup(name: string): boolean;
  /** Throws AWS's error (a bad name, a retention AWS does not offer). */
  createLogGroup(name: string, retentionInDays?: number): void;
  setRetention(name: string, retentionInDays: number | undefined): void;
  deleteLogGroup(name: string): void;
}

/** The services providers act on; fixed for the life of an engine. */
export interface ProviderServices {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** The local cloud's endpoint, given to functions' SDK clients. */
  readonly endpoint: () => string;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  readonly lambda: LambdaService;
  readonly mappings: MappingControl;
  /** A client of DynamoDB Local; without one, a table fails with a reason saying so. */
  readonly dynamodb?: DynamoDBClient;
  /** Where function code comes from. */
  readonly assets: AssetResolver;
  /** SSM parameters; without it, `AWS::SSM::Parameter` is only recorded and SSM-typed parameters stand for their names. */
  readonly ssm?: ParameterStore;
  /** S3 buckets; without it, `AWS::S3::Bucket` is only recorded. */
  readonly s3?: BucketStore;
  /** CloudWatch Logs; without it, `AWS::Logs::LogGroup` is only recorded. */
  readonly logs?: LogGroupStore;
  /** Called when something settling watches changes. */
  readonly changed: () => void;
}

/** What a provider knows of the resource it works on. */
export interface ProviderContext extends ProviderServices {
  readonly stackName: string;
  readonly stackId: string;
  readonly logicalId: string;
  /**
   * A name for a resource whose template names none: stack name and logical id (stable across
   * restarts), with a random suffix when it replaces an earlier one (both exist for a moment) or
   * when `unique` is asked (the stable name is taken, or held by the service after a delete).
   */
  generatedName(maxLength?: number, unique?: boolean): string;
}

/** Reads an optional string property. */
export function optionalString(properties: Properties, key: string): string | undefined {
  const value = properties[key];
  return value === undefined || value === null ? undefined : String(value);
}

/** Deep equality of resolved property values (JSON data). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The properties that differ between two versions. */
export function changedProperties(previous: Properties, next: Properties): string[] {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...keys].filter((key) => !sameValue(previous[key], next[key]));
}
