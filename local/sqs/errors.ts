import { AwsError } from '../aws-error';

/** SQS's JSON-protocol errors: `__type` with the service namespace, and the query-compatible code. */
function sqsError(type: string, queryCode: string, message: string, fault: 'Sender' | 'Receiver' = 'Sender'): AwsError {
  return new AwsError(`com.amazonaws.sqs#${type}`, message, fault === 'Sender' ? 400 : 500, `${queryCode};${fault}`);
}

export const SqsErrors = {
  queueDoesNotExist: () => sqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'),
  queueNameExists: (name: string) =>
    sqsError('QueueNameExists', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute(s) of ${name}`),
  invalidAttributeName: (name: string) => sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, reason?: string) =>
    sqsError('InvalidAttributeValue', 'InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`),
  invalidParameterValue: (message: string) => sqsError('InvalidParameterValue', 'InvalidParameterValue', message),
  missingParameter: (name: string) =>
    sqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`),
  invalidMessageContents: (reason: string) => sqsError('InvalidMessageContents', 'InvalidMessageContents', reason),
  receiptHandleIsInvalid: (handle: string) =>
    sqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  messageNotInflight: () => sqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message referred to is not in flight.'),
  emptyBatchRequest: () =>
    sqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.'),
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
  resourceNotFound: (message: string) => sqsError('ResourceNotFoundException', 'ResourceNotFoundException', message),
};
