import { SqsErrors } from './errors';

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** 80 characters in all, the `.fifo` suffix included. */
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/**
 * Checks a CreateQueue name against its queue type (API reference, CreateQueue QueueName: up to 80
 * alphanumeric characters, hyphens and underscores; a FIFO queue's ends in `.fifo`, which a standard
 * queue's cannot have). The messages are AWS's, as users report them.
 */
export function validateQueueName(name: unknown, fifo: boolean): asserts name is string {
  if (typeof name !== 'string' || name === '') throw SqsErrors.missingParameter('QueueName');
  if (fifo && !FIFO_NAME.test(name)) {
    throw SqsErrors.invalidParameterValue(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  }
  if (!fifo && !STANDARD_NAME.test(name)) throw SqsErrors.invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
}
