import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { StockReleased } from '../events';
import { dynamo } from '../shared/clients';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { reservationKey, stockKey } from './stock';
import { RELEASE_STOCK } from './subscriptions';

const { tableName, ledger } = serviceRuntime({ publishes: true });

interface ReservedLine {
  sku: string;
  quantity: number;
}

/** PaymentDeclined -> the order's reservation is given back (compensation) -> StockReleased. */
export const handler = sqsConsumer(RELEASE_STOCK, async (event, log) => {
  const { orderId } = event.data;
  const { Item: reservation } = await dynamo.send(
    new GetCommand({ TableName: tableName, Key: reservationKey(orderId), ConsistentRead: true }),
  );
  if (reservation?.['status'] !== 'RESERVED') {
    // RELEASED may be this event's own doing, by a delivery that died before publishing StockReleased.
    if (await ledger.completeIfApplied(event.id)) log.info('reservation already released by this event');
    else log.info('nothing to release', { reservationStatus: reservation?.['status'] ?? 'none' });
    return;
  }
  const lines = reservation['items'] as ReservedLine[];
  const released = await ledger.apply(
    event.id,
    [
      {
        Update: {
          TableName: tableName,
          Key: reservationKey(orderId),
          UpdateExpression: 'SET #status = :released, releasedAt = :at',
          // The status guard makes a second release (another copy of the event) a no-op.
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':at': event.time },
        },
      },
      ...lines.map(({ sku, quantity }) => ({
        Update: {
          TableName: tableName,
          Key: stockKey(sku),
          UpdateExpression: 'SET available = available + :q, reserved = reserved - :q',
          ConditionExpression: 'reserved >= :q',
          ExpressionAttributeValues: { ':q': quantity },
        },
      })),
    ],
    [eventEntry(StockReleased, { orderId, items: lines }, orderId)],
  );
  if (released.status === 'condition-failed') {
    if (released.index === 0) log.info('reservation already released');
    else throw new Error(`stock of ${lines[released.index - 1]?.sku} holds less reserved than order ${orderId} reserved`);
  }
});
