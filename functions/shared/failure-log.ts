import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { dynamo } from './clients';

/**
 * The key of a message's last failure in its service's failure table (operational records, kept
 * apart from the business data), found by the DLQ tool from the message id.
 */
export const failureKey = (messageId: string) => ({ messageId });

const RETENTION_SECONDS = 14 * 86_400;

/**
 * Keeps the reason of a record's last failure, beside the DLQ message it becomes: SQS moves the
 * message without saying why, so the operator tool (`npm run dlq`) reads the reason here, by message
 * id, through the function's FAILURE_TABLE_NAME. Written only on the attempt that sends the message to the DLQ.
 */
export async function recordFinalFailure(
  tableName: string,
  failure: { messageId: string; receiveCount: number; reason: string; errorName: string; eventId?: string; detailType?: string; correlationId?: string },
  log: Logger,
): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...failure, failedAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + RETENTION_SECONDS },
      }),
    );
  } catch (error) {
    // The record still fails and reaches the DLQ; only the stored reason is missing (it is in this log).
    log.warn('could not store the failure reason', { reason: (error as Error).message });
  }
}
