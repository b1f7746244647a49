import { AwsError } from '../aws-error';

/**
 * SQS's JSON-protocol errors: `__type` with the service namespace, and the query-compatible code.
 * The status is the one SQS's model gives the error (400 for most sender faults, 403 for a purge in progress).
 */
function sqsError(type: string, queryCode: string, message: string, fault: 'Sender' | 'Receiver' = 'Sender', status = fault === 'Sender' ? 400 : 500): AwsError {
  return new AwsError(`com.amazonaws.sqs#${type}`, message, status, `${queryCode};${fault}`);
}

export const SqsErrors = {
  queueDoesNotExist: () => sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'),
  /** CreateQueue of an existing name with an attribute that differs: AWS names the first such attribute. */
  queueNameExists: (attribute: string) =>
    sqsError('QueueNameExists', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${attribute}`),
  queueDeletedRecently: () =>
    sqsError(
      'QueueDeletedRecently',
      'AWS.SimpleQueueService.QueueDeletedRecently',
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ),
  purgeQueueInProgress: (name: string) =>
    sqsError('PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`, 'Sender', 403),
  invalidAttributeName: (name: string) => sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  /** InvalidAttributeName with a message of its own (FIFO-only attributes on a standard queue, two kinds of SSE). */
  invalidAttributeNameBecause: (message: string) => sqsError('InvalidAttributeName', 'InvalidAttributeName', message),
  invalidAttributeValue: (name: string, reason?: string) =>
    sqsError('InvalidAttributeValue', 'InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`),
  /** Not in SQS's model: the shape is `InvalidParameterValueException`, the query code `InvalidParameterValue`. */
  invalidParameterValue: (message: string) => sqsError('InvalidParameterValueException', 'InvalidParameterValue', message),
  /** Not in SQS's model: the shape is `MissingRequiredParameterException`, the query code `MissingParameter`. */
  missingParameter: (name: string) =>
    sqsError('MissingRequiredParameterException', 'MissingParameter', `The request must contain the parameter ${name}.`),
  invalidMessageContents: (reason: string) => sqsError('InvalidMessageContents', 'InvalidMessageContents', reason),
  receiptHandleIsInvalid: (handle: string) =>
    sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  /** A well-formed handle of another queue (as AWS answered in aws/aws-sdk-java-v2#3101). */
  receiptHandleOfOtherQueue: (handle: string) =>
    sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The receipt handle "${handle}" is not valid for this queue.`),
  /** A FIFO receipt handle used after its visibility timeout (test_fifo_delete_after_visibility_timeout). */
  receiptHandleExpired: (handle: string) =>
    sqsError('InvalidParameterValueException', 'InvalidParameterValue', `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`),
  /** ChangeMessageVisibility of a deleted message (test_change_visibility_on_deleted_message_raises_invalid_parameter_value). */
  messageNotAvailableForVisibilityChange: (handle: string) =>
    sqsError(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    ),
  messageNotInflight: () => sqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message referred to is not in flight.'),
  emptyBatchRequest: (entryType = 'SendMessageBatchRequestEntry') =>
    sqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${entryType} in the request.`),
  tooManyEntries: (count: number) =>
    sqsError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${count}.`),
  batchEntryIdsNotDistinct: (id: string) =>
    sqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sqsError(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (bytes: number, max: number) =>
    sqsError('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${bytes} bytes.`),
  unsupportedOperation: (message: string) => sqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', message),
  /** HTTP 404, as the move task operations answer it (test_cancel_with_invalid_task_id_in_task_handle). */
  resourceNotFound: (message: string) => sqsError('ResourceNotFoundException', 'ResourceNotFoundException', message, 'Sender', 404),
};
