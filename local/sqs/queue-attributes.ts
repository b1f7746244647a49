import { SqsErrors } from './errors';

/** Settable attributes, their defaults, and the range SQS accepts. */
const NUMERIC: Record<string, { default: number; min: number; max: number }> = {
  DelaySeconds: { default: 0, min: 0, max: 900 },
  MaximumMessageSize: { default: 262_144, min: 1024, max: 262_144 },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
  KmsDataKeyReusePeriodSeconds: { default: 300, min: 60, max: 86_400 },
};
const BOOLEAN = ['SqsManagedSseEnabled', 'ContentBasedDeduplication', 'FifoQueue'];
const TEXT = ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'DeduplicationScope', 'FifoThroughputLimit'];

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** Validates attributes given to CreateQueue or SetQueueAttributes; returns them normalized to strings. */
export function validateQueueAttributes(attributes: Record<string, unknown>, options: { creating: boolean; fifo: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    const value = String(raw);
    if (name in NUMERIC) {
      const { min, max } = NUMERIC[name]!;
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
        throw SqsErrors.invalidAttributeValue(name, `must be an integer between ${min} and ${max}, got "${value}"`);
      }
      out[name] = String(number);
    } else if (BOOLEAN.includes(name)) {
      if (value !== 'true' && value !== 'false') throw SqsErrors.invalidAttributeValue(name, `must be true or false, got "${value}"`);
      if (name === 'FifoQueue' && !options.creating) throw SqsErrors.invalidAttributeName(name);
      if (name === 'FifoQueue' && (value === 'true') !== options.fifo) {
        throw SqsErrors.invalidParameterValue('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
      }
      if (name === 'ContentBasedDeduplication' && !options.fifo && value === 'true') throw SqsErrors.invalidAttributeName(name);
      out[name] = value;
    } else if (TEXT.includes(name)) {
      if (name === 'RedrivePolicy' && value !== '') parseRedrivePolicy(value);
      out[name] = value;
    } else {
      throw SqsErrors.invalidAttributeName(name);
    }
  }
  return out;
}

export function defaultQueueAttributes(fifo: boolean): Record<string, string> {
  const defaults: Record<string, string> = {
    DelaySeconds: '0',
    MaximumMessageSize: '262144',
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) Object.assign(defaults, { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
  return defaults;
}

/** Parses a RedrivePolicy attribute; a malformed one is an error quoting it. */
export function parseRedrivePolicy(text: string): RedrivePolicy {
  let policy: Partial<RedrivePolicy> & Record<string, unknown>;
  try {
    policy = JSON.parse(text) as typeof policy;
  } catch {
    throw SqsErrors.invalidAttributeValue('RedrivePolicy', `Redrive policy is not a valid JSON map: ${text}`);
  }
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (typeof policy.deadLetterTargetArn !== 'string' || !policy.deadLetterTargetArn.startsWith('arn:')) {
    throw SqsErrors.invalidAttributeValue('RedrivePolicy', `Value ${text} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`);
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw SqsErrors.invalidAttributeValue('RedrivePolicy', `Value ${text} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
}
