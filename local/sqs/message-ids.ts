import { SqsErrors } from './errors';

/**
 * Message group ids, deduplication ids and receive request attempt ids: 1 to 128 characters, each
 * alphanumeric or punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_\`{|}~`); a space or an empty id is refused
 * (test_send_message_to_standard_queue_with_invalid_message_group_id, test_message_deduplication_id_invalid).
 */
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** Checks an id of the FIFO family; the error quotes the value and names the parameter. */
export function validateFifoId(value: unknown, parameter: 'MessageGroupId' | 'MessageDeduplicationId' | 'ReceiveRequestAttemptId'): string {
  const text = String(value);
  if (typeof value !== 'string' || !FIFO_ID.test(value)) {
    throw SqsErrors.invalidParameterValue(
      `Value ${text} for parameter ${parameter} is invalid. Reason: ${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
  return value;
}
