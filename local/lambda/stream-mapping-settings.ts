import { LambdaErrors } from './lambda-errors';

type Input = Record<string, unknown>;

/** A stream mapping's settings as CreateEventSourceMapping and UpdateEventSourceMapping take them. */
export interface StreamSettings {
  batchSize: number;
  batchingWindowSeconds: number;
  bisectBatchOnFunctionError: boolean;
  maximumRetryAttempts: number;
  maximumRecordAgeSeconds: number;
  parallelizationFactor: number;
  /** The OnFailure destination's ARN, or none. */
  onFailure: string | undefined;
}

/** Lambda's defaults for a DynamoDB stream source (test_dynamodb_event_source_mapping, recorded on AWS). */
export const STREAM_DEFAULTS: StreamSettings = {
  batchSize: 100,
  batchingWindowSeconds: 0,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  parallelizationFactor: 1,
  onFailure: undefined,
};

export function isStreamArn(arn: unknown): arn is string {
  return typeof arn === 'string' && /^arn:aws[a-zA-Z-]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\/.+$/.test(arn);
}

/** The starting position a stream mapping needs (TRIM_HORIZON or LATEST; AT_TIMESTAMP is Kinesis's only). */
export function startingPosition(value: unknown): 'TRIM_HORIZON' | 'LATEST' {
  if (value === undefined) throw LambdaErrors.invalidParameter('1 validation error detected: Value null at \'startingPosition\' failed to satisfy constraint: Member must not be null');
  if (value !== 'TRIM_HORIZON' && value !== 'LATEST') {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(value)}' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST]`);
  }
  return value;
}

/** The settings the input gives, over `base` (Lambda's defaults on create, the mapping's own on update), validated. */
export function streamSettings(input: Input, base: StreamSettings): StreamSettings {
  const settings: StreamSettings = {
    batchSize: integer(input['BatchSize'], base.batchSize, 'batchSize', 1, 10_000),
    batchingWindowSeconds: integer(input['MaximumBatchingWindowInSeconds'], base.batchingWindowSeconds, 'maximumBatchingWindowInSeconds', 0, 300),
    bisectBatchOnFunctionError: typeof input['BisectBatchOnFunctionError'] === 'boolean' ? input['BisectBatchOnFunctionError'] : base.bisectBatchOnFunctionError,
    maximumRetryAttempts: integer(input['MaximumRetryAttempts'], base.maximumRetryAttempts, 'maximumRetryAttempts', -1, 10_000),
    maximumRecordAgeSeconds: integer(input['MaximumRecordAgeInSeconds'], base.maximumRecordAgeSeconds, 'maximumRecordAgeInSeconds', -1, 604_800),
    parallelizationFactor: integer(input['ParallelizationFactor'], base.parallelizationFactor, 'parallelizationFactor', 1, 10),
    onFailure: input['DestinationConfig'] === undefined ? base.onFailure : onFailureDestination(input['DestinationConfig']),
  };
  const age = settings.maximumRecordAgeSeconds;
  if (age !== -1 && age < 60) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${age}' at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60`);
  }
  return settings;
}

/** OnFailure: an SQS queue locally (Lambda also takes SNS topics and S3 buckets; the local cloud has no SNS). */
function onFailureDestination(value: unknown): string | undefined {
  const destination = (value as { OnFailure?: { Destination?: unknown } } | null)?.OnFailure?.Destination;
  if (destination === undefined || destination === null || destination === '') return undefined;
  if (typeof destination !== 'string' || !/^arn:aws[a-zA-Z-]*:sqs:/.test(destination)) {
    throw LambdaErrors.invalidParameter(`The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${String(destination)})) is invalid: the local cloud sends stream failures to SQS queues only.`);
  }
  return destination;
}

function integer(value: unknown, fallback: number, member: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value ${Number(value) < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);
  }
  return value;
}
