import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { sqsConsumer } from '../shared/sqs-consumer';
import { RECORD_EVENT } from './subscriptions';

const tableName = requireEnv('TABLE_NAME');

/**
 * Every shop.* and carrier.* event -> appended to the event store. The key (order, time#event id)
 * makes one order's timeline a single Query in time order, and a second copy of an event a no-op.
 */
export const handler = sqsConsumer(RECORD_EVENT, async (event, log) => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `ORDER#${event.metadata.correlationId}`,
          // Deterministic per event (a second copy is a no-op), in the order the events happened.
          sk: `${event.metadata.occurredAt ?? event.time}#${event.id}`,
          eventId: event.id,
          source: event.source,
          detailType: event['detail-type'],
          version: event.metadata.version,
          data: event.data,
          recordedAt: new Date().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    log.info('event already in the audit store');
  }
});
