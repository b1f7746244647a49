import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * SDK clients, created once per sandbox. Throttling (ProvisionedThroughputExceeded, transaction
 * conflicts) is retried by the SDK with exponential backoff and jitter inside the invocation, so a
 * short burst does not fail the record; only a persistent fault reaches the DLQ path.
 */
const MAX_ATTEMPTS = 6;

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: MAX_ATTEMPTS }), {
  marshallOptions: { removeUndefinedValues: true },
});

export const eventBridge = new EventBridgeClient({ maxAttempts: MAX_ATTEMPTS });
