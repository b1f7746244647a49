import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { StockReleased } from '../events';
import { dynamo } from '../shared/clients';
import { countDuplicateSkipped } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { reservationKey, stockKey } from './stock';
import { RELEASE_STOCK } from './subscriptions';

const { tableName, store } = serviceRuntime();

interface ReservedLine {
  sku: string;
  quantity: number;
}

/**
 * PaymentDeclined -> the order's reservation is given back (compensation), the reservation moving
 * from RESERVED to RELEASED and publishing StockReleased in the same transaction as the stock.
 */
export const handler = sqsConsumer(RELEASE_STOCK, async (event, log) => {
  const { orderId } = event.data;
  const { Item: reservation } = await dynamo.send(new GetCommand({ TableName: tableName, Key: reservationKey(orderId), ConsistentRead: true }));
  if (reservation?.['status'] !== 'RESERVED') {
    log.info('nothing to release', { reservationStatus: reservation?.['status'] ?? 'none' });
    // Released already: a copy of the event. (None, or rejected: there was nothing to give back.)
    if (reservation?.['status'] === 'RELEASED') countDuplicateSkipped();
    return;
  }
  const lines = reservation['items'] as ReservedLine[];
  const released = await store.write(
    store.update(reservationKey(orderId), {
      set: { status: 'RELEASED', releasedAt: event.time },
      // The status guard makes a second release (another copy of the event) a no-op.
      condition: '#status = :reserved',
      conditionValues: { ':reserved': 'RESERVED' },
      publish: [eventEntry(StockReleased, { orderId, items: lines }, orderId)],
    }),
    ...lines.map(({ sku, quantity }) => store.adjust(stockKey(sku), { add: { available: quantity, reserved: -quantity }, atLeast: { reserved: quantity } })),
  );
  if (released.status === 'written') return;
  if (released.index === 0) log.info('reservation already released');
  else throw new Error(`stock of ${lines[released.index - 1]?.sku} holds less reserved than order ${orderId} reserved`);
});
