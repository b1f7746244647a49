import { SqsErrors } from './errors';

/**
 * Queue attributes as SQS keeps them: what CreateQueue and SetQueueAttributes may set, the range
 * each accepts, the defaults, and which members GetQueueAttributes shows. Values are strings, as on
 * the wire. Sources: the CreateQueue / SetQueueAttributes API reference (ranges, defaults: the
 * message size limit is 1 MiB since 2025) and LocalStack's AWS-validated snapshots (messages).
 */

/** Integer attributes: default (undefined: not shown until set) and the inclusive range SQS accepts. */
const NUMERIC: Readonly<Record<string, { readonly default?: number; readonly min: number; readonly max: number }>> = {
  DelaySeconds: { default: 0, min: 0, max: 900 },
  MaximumMessageSize: { default: 1_048_576, min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400 },
};
/** Attributes only a FIFO queue has. */
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
/** Attributes with a fixed set of values. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
const BOOLEAN = new Set(['SqsManagedSseEnabled', 'ContentBasedDeduplication', 'FifoQueue']);
/** Free-text attributes; an empty value removes them. */
const REMOVABLE = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);
/** Attributes SQS computes: GetQueueAttributes knows them, CreateQueue and SetQueueAttributes do not. */
const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

/** Every name GetQueueAttributes accepts (`All` included); any other is InvalidAttributeName. */
export const QUEUE_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  'All',
  ...COMPUTED,
  ...Object.keys(NUMERIC),
  ...FIFO_ONLY,
  ...BOOLEAN,
  ...REMOVABLE,
]);

/** Where a queue's messages go after `maxReceiveCount` receives. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/**
 * Validates attributes given to CreateQueue (`creating`) or SetQueueAttributes and returns them
 * normalized (`True` → `true`, `007` → `7`, a redrive policy as compact JSON). An empty string
 * for a removable attribute stays empty: `mergeQueueAttributes` removes it.
 */
export function validateQueueAttributes(attributes: Record<string, unknown>, options: { creating: boolean; fifo: boolean }): Record<string, string> {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw SqsErrors.invalidParameterValue('Attributes must be a map of attribute names to values.');
  }
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    out[name] = validateOne(name, raw, options);
  }
  if (out['KmsMasterKeyId'] && out['SqsManagedSseEnabled'] === 'true') {
    throw SqsErrors.invalidAttributeNameBecause('You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.');
  }
  return out;
}

function validateOne(name: string, raw: unknown, options: { creating: boolean; fifo: boolean }): string {
  if (!QUEUE_ATTRIBUTE_NAMES.has(name) || name === 'All' || COMPUTED.includes(name)) throw SqsErrors.invalidAttributeName(name);
  if (FIFO_ONLY.has(name) && !options.fifo) {
    // A standard queue knows no FIFO attribute; SQS words it differently for the high-throughput pair.
    if (CHOICES[name] !== undefined) throw SqsErrors.invalidAttributeNameBecause(`You can specify the ${name} only when FifoQueue is set to true.`);
    throw SqsErrors.invalidAttributeName(name);
  }
  const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  if (value === undefined) throw SqsErrors.invalidAttributeValue(name);
  const numeric = NUMERIC[name];
  if (numeric !== undefined) {
    const number = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < numeric.min || number > numeric.max) throw SqsErrors.invalidAttributeValue(name);
    return String(number);
  }
  if (BOOLEAN.has(name)) {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw SqsErrors.invalidAttributeValue(name);
    if (name === 'FifoQueue' && !options.creating && lower === 'false') {
      throw SqsErrors.invalidAttributeValue(name, 'Modifying queue type is not supported.');
    }
    return lower;
  }
  const choices = CHOICES[name];
  if (choices !== undefined) {
    if (!choices.includes(value)) throw SqsErrors.invalidAttributeValue(name);
    return value;
  }
  if (name === 'RedrivePolicy' && value !== '') return JSON.stringify(parseRedrivePolicy(value));
  if (name === 'RedriveAllowPolicy' && value !== '') return validateRedriveAllowPolicy(value);
  return value;
}

/** The attributes a new queue starts with (before any given ones). */
export function defaultQueueAttributes(fifo: boolean): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, { default: value }] of Object.entries(NUMERIC)) if (value !== undefined) defaults[name] = String(value);
  defaults['SqsManagedSseEnabled'] = 'true';
  if (fifo) Object.assign(defaults, { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
  return defaults;
}

/**
 * The queue's attributes after validated ones are applied: an empty removable attribute is removed;
 * a KMS key turns SQS-managed encryption off and SQS-managed encryption removes the key (a queue has
 * one kind of SSE, as test_set_queue_attributes_default_values recorded); the throughput limit per
 * message group needs deduplication per message group (API reference, FifoThroughputLimit).
 */
export function mergeQueueAttributes(current: Readonly<Record<string, string>>, given: Readonly<Record<string, string>>): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(given)) {
    if (REMOVABLE.has(name) && value === '') delete merged[name];
    else merged[name] = value;
  }
  if (given['KmsMasterKeyId']) merged['SqsManagedSseEnabled'] = 'false';
  if (given['SqsManagedSseEnabled'] === 'true') delete merged['KmsMasterKeyId'];
  if (merged['FifoThroughputLimit'] === 'perMessageGroupId' && merged['DeduplicationScope'] !== 'messageGroup') {
    throw SqsErrors.invalidAttributeValue('FifoThroughputLimit', 'You can specify perMessageGroupId only when DeduplicationScope is set to messageGroup.');
  }
  return merged;
}

/** The attributes GetQueueAttributes shows: the data key reuse period only while a KMS key is set. */
export function visibleQueueAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const visible: Record<string, string> = { ...attributes };
  if (visible['KmsMasterKeyId'] === undefined) delete visible['KmsDataKeyReusePeriodSeconds'];
  else visible['KmsDataKeyReusePeriodSeconds'] ??= '300';
  return visible;
}

/**
 * Parses a RedrivePolicy attribute. SQS refuses a bad one as InvalidParameterValue quoting the
 * policy as given, the missing maxReceiveCount named first (messages as AWS sends them, seen in
 * CloudFormation and SDK reports; LocalStack's AWS-validated test_redrive_policy_attribute_validity).
 * `maxReceiveCount` may be a number or a numeric string.
 */
export function parseRedrivePolicy(text: string): RedrivePolicy {
  const invalid = (reason: string) => SqsErrors.invalidParameterValue(`Value ${text} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw invalid('Redrive policy is not a valid JSON map.');
  const { deadLetterTargetArn: arn, maxReceiveCount: count } = policy as Record<string, unknown>;
  if (count === undefined) throw invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  if (arn === undefined) throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  const maxReceiveCount = typeof count === 'number' || (typeof count === 'string' && /^\d+$/.test(count)) ? Number(count) : Number.NaN;
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalid(`Invalid value for maxReceiveCount: ${String(count)}, valid values are from 1 to 1000 both inclusive.`);
  }
  if (typeof arn !== 'string' || !/^arn:[^:]+:sqs:[^:]*:[^:]*:[^:]+$/.test(arn)) throw invalid('Invalid value for deadLetterTargetArn.');
  return { deadLetterTargetArn: arn, maxReceiveCount };
}

/** Which source queues may name a queue as their dead-letter queue. */
export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

/**
 * Parses a RedriveAllowPolicy attribute (API reference: allowAll, denyAll, or byQueue with 1 to 10
 * source ARNs, which only byQueue takes); refused as a bad RedrivePolicy is, quoting it.
 */
export function parseRedriveAllowPolicy(text: string): RedriveAllowPolicy {
  const invalid = (reason: string) => SqsErrors.invalidParameterValue(`Value ${text} for parameter RedriveAllowPolicy is invalid. Reason: ${reason}`);
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalid('Redrive allow policy is not a valid JSON map.');
  }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw invalid('Redrive allow policy is not a valid JSON map.');
  const { redrivePermission: permission, sourceQueueArns: arns } = policy as Record<string, unknown>;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') throw invalid('Invalid value for redrivePermission.');
  if (permission !== 'byQueue') {
    if (arns !== undefined) throw invalid('sourceQueueArns can be specified only when redrivePermission is byQueue.');
    return { redrivePermission: permission };
  }
  if (!Array.isArray(arns) || arns.length === 0 || arns.length > 10 || !arns.every((arn) => typeof arn === 'string')) {
    throw invalid('Invalid value for sourceQueueArns.');
  }
  return { redrivePermission: permission, sourceQueueArns: arns as string[] };
}

function validateRedriveAllowPolicy(text: string): string {
  parseRedriveAllowPolicy(text);
  return text;
}
