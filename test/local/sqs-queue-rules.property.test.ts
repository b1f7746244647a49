import fc from 'fast-check';
import type { AwsError } from '../../local/aws-error';
import { ManualClock } from '../../local/clock';
import { defaultQueueAttributes, mergeQueueAttributes, validateQueueAttributes, visibleQueueAttributes } from '../../local/sqs/queue-attributes';
import { validateQueueName } from '../../local/sqs/queue-name';
import { SqsService } from '../../local/sqs/sqs-service';

/**
 * The general rules behind the SQS queue conformance cases (cases/sqs/queues-*.json): every
 * integer attribute inside its documented range is accepted and normalized, every one outside is
 * InvalidAttributeValue; queue names follow the API reference's alphabet and lengths per type.
 */

const RANGES: ReadonlyArray<[string, number, number]> = [
  ['DelaySeconds', 0, 900],
  ['MaximumMessageSize', 1024, 1_048_576],
  ['MessageRetentionPeriod', 60, 1_209_600],
  ['ReceiveMessageWaitTimeSeconds', 0, 20],
  ['VisibilityTimeout', 0, 43_200],
  ['KmsDataKeyReusePeriodSeconds', 60, 86_400],
];

function failure(run: () => unknown): { type: string; queryError?: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const e = error as AwsError;
    return { type: e.type, ...(e.queryError === undefined ? {} : { queryError: e.queryError }), message: e.message };
  }
}

describe('SQS queue attribute ranges', () => {
  it.each(RANGES)('%s accepts every integer from %d to %d, normalized', (name, min, max) => {
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.boolean(), (value, padded) => {
        const given = padded ? `00${value}` : String(value);
        expect(validateQueueAttributes({ [name]: given }, { creating: true, fifo: false })).toEqual({ [name]: String(value) });
      }),
    );
  });

  it.each(RANGES)('%s refuses every integer outside %d to %d as InvalidAttributeValue', (name, min, max) => {
    const outside = fc.oneof(fc.integer({ min: -1_000_000_000, max: min - 1 }), fc.integer({ min: max + 1, max: 2_000_000_000 }));
    fc.assert(
      fc.property(outside, fc.boolean(), (value, creating) => {
        expect(failure(() => validateQueueAttributes({ [name]: String(value) }, { creating, fifo: false }))).toEqual({
          type: 'com.amazonaws.sqs#InvalidAttributeValue',
          queryError: 'InvalidAttributeValue;Sender',
          message: `Invalid value for the parameter ${name}.`,
        });
      }),
    );
  });

  it('refuses text that is not an integer', () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !/^[+-]?\d+$/.test(text)), (text) => {
        expect(failure(() => validateQueueAttributes({ VisibilityTimeout: text }, { creating: true, fifo: false }))?.type).toBe('com.amazonaws.sqs#InvalidAttributeValue');
      }),
    );
  });

  it('takes true and false in any case, and answers them in lower case', () => {
    const spelling = fc.constantFrom('true', 'false').chain((word) =>
      fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
    );
    fc.assert(
      fc.property(spelling, (text) => {
        expect(validateQueueAttributes({ ContentBasedDeduplication: text }, { creating: true, fifo: true })).toEqual({ ContentBasedDeduplication: text.toLowerCase() });
      }),
    );
  });

  it('refuses every FIFO-only attribute on a standard queue, and FifoQueue false on SetQueueAttributes of a FIFO queue', () => {
    for (const name of ['FifoQueue', 'ContentBasedDeduplication']) {
      expect(failure(() => validateQueueAttributes({ [name]: 'false' }, { creating: true, fifo: false }))?.message).toBe(`Unknown Attribute ${name}.`);
    }
    expect(failure(() => validateQueueAttributes({ DeduplicationScope: 'queue' }, { creating: false, fifo: false }))?.message).toBe(
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    );
    expect(failure(() => validateQueueAttributes({ FifoQueue: 'false' }, { creating: false, fifo: true }))?.message).toBe(
      'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    );
  });

  it('removes a removable attribute set to empty, and shows the data key reuse period only with a KMS key', () => {
    const withKey = mergeQueueAttributes(defaultQueueAttributes(false), { KmsMasterKeyId: 'alias/aws/sqs', Policy: '{}' });
    expect(visibleQueueAttributes(withKey)).toMatchObject({ KmsMasterKeyId: 'alias/aws/sqs', KmsDataKeyReusePeriodSeconds: '300', SqsManagedSseEnabled: 'false' });
    const without = mergeQueueAttributes(withKey, { KmsMasterKeyId: '', Policy: '' });
    expect(visibleQueueAttributes(without)).not.toHaveProperty('KmsMasterKeyId');
    expect(visibleQueueAttributes(without)).not.toHaveProperty('KmsDataKeyReusePeriodSeconds');
    expect(without).not.toHaveProperty('Policy');
  });
});

describe('SQS queue names', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  const nameOf = (min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

  it('accepts 1 to 80 letters, digits, hyphens and underscores for a standard queue, and 1 to 75 plus .fifo for a FIFO queue', () => {
    fc.assert(fc.property(nameOf(1, 80), (name) => expect(() => validateQueueName(name, false)).not.toThrow()));
    fc.assert(fc.property(nameOf(1, 75), (name) => expect(() => validateQueueName(`${name}.fifo`, true)).not.toThrow()));
  });

  it('refuses longer names, other characters, and a .fifo suffix on the wrong type', () => {
    fc.assert(fc.property(nameOf(81, 120), (name) => expect(failure(() => validateQueueName(name, false))?.queryError).toBe('InvalidParameterValue;Sender')));
    fc.assert(fc.property(nameOf(76, 120), (name) => expect(failure(() => validateQueueName(`${name}.fifo`, true))?.queryError).toBe('InvalidParameterValue;Sender')));
    const other = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !alphabet.includes(c));
    fc.assert(
      fc.property(nameOf(0, 40), other, nameOf(0, 39), (before, bad, after) => {
        expect(failure(() => validateQueueName(`${before}${bad}${after}`, false))?.message).toBe('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
      }),
    );
    fc.assert(fc.property(nameOf(1, 75), (name) => expect(failure(() => validateQueueName(`${name}.fifo`, false))?.queryError).toBe('InvalidParameterValue;Sender')));
    fc.assert(fc.property(nameOf(1, 80), (name) => expect(failure(() => validateQueueName(name, true))?.queryError).toBe('InvalidParameterValue;Sender')));
  });
});

describe('SQS CreateQueue of an existing name', () => {
  const settable: Record<string, fc.Arbitrary<string>> = {
    DelaySeconds: fc.integer({ min: 0, max: 900 }).map(String),
    MaximumMessageSize: fc.integer({ min: 1024, max: 1_048_576 }).map(String),
    MessageRetentionPeriod: fc.integer({ min: 60, max: 1_209_600 }).map(String),
    ReceiveMessageWaitTimeSeconds: fc.integer({ min: 0, max: 20 }).map(String),
    VisibilityTimeout: fc.integer({ min: 0, max: 43_200 }).map(String),
  };
  const attributes = fc.record(settable, { requiredKeys: [] });

  it('answers the same queue when every given attribute has its current value, else QueueAlreadyExists naming the first that differs', () => {
    const sqs = new SqsService({ clock: new ManualClock(), region: 'us-east-1', accountId: '000000000000', baseUrl: () => 'http://localhost' });
    let n = 0;
    fc.assert(
      fc.property(attributes, attributes, (created, again) => {
        const name = `q${n++}`;
        const queue = sqs.createQueue(name, created);
        const current = queue.allAttributes();
        const differing = Object.keys(again).find((key) => again[key] !== current[key]);
        const answer = failure(() => sqs.createQueue(name, again));
        if (differing === undefined) expect(answer).toBeUndefined();
        else {
          expect(answer).toEqual({
            type: 'com.amazonaws.sqs#QueueNameExists',
            queryError: 'QueueAlreadyExists;Sender',
            message: `A queue already exists with the same name and a different value for attribute ${differing}`,
          });
        }
      }),
    );
  });
});
