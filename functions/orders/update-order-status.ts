import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  OrderStatusChanged,
  PaymentAuthorized,
  PaymentDeclined,
  ShipmentDelivered,
  ShipmentScheduled,
  StockRejected,
  StockReserved,
  type OrderStatus,
  type SubscribedEvent,
} from '../events';
import { dynamo } from '../shared/clients';
import { cancelReasonCode, STATUS_METRIC } from '../shared/metric-names';
import { countByReason, countDuplicateSkipped, countMetric, durationMetric } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { orderKey, STATUS_RANK, statusesReached } from './order-status';
import { UPDATE_ORDER_STATUS } from './subscriptions';

const { tableName, store } = serviceRuntime();

type StatusEvent = SubscribedEvent<typeof UPDATE_ORDER_STATUS>;

/**
 * The status an event moves its order to, and why when it cancels it. One case per subscribed event:
 * an event added to `UPDATE_ORDER_STATUS` fails to compile here until it has its case.
 */
export function targetStatus(event: StatusEvent): { status: OrderStatus; reason?: string; attributes?: Record<string, string> } {
  switch (event['detail-type']) {
    case StockReserved.detailType:
      return { status: 'RESERVED' };
    case StockRejected.detailType: {
      const { sku, requested, available } = event.data;
      return { status: 'CANCELLED', reason: `OUT_OF_STOCK: ${sku} requested ${requested}, available ${available}` };
    }
    case PaymentAuthorized.detailType:
      return { status: 'PAID' };
    case PaymentDeclined.detailType:
      return { status: 'CANCELLED', reason: `PAYMENT_DECLINED: ${event.data.reason}` };
    case ShipmentScheduled.detailType:
      return { status: 'SHIPPED', attributes: { shipmentId: event.data.shipmentId } };
    case ShipmentDelivered.detailType:
      // The carrier names the shipment too: an order whose ShipmentScheduled arrives after the
      // delivery (ignored then as stale) still knows its shipment.
      return { status: 'DELIVERED', attributes: { shipmentId: event.data.shipmentId } };
    default: {
      const unhandled: never = event;
      throw new Error(`no status for ${(unhandled as StatusEvent)['detail-type']}`);
    }
  }
}

const MAX_RACES = 5;

/** The order's business metrics, once its move to `target` is written (so a duplicate counts nothing). */
function countMove(fromRank: number, target: { status: OrderStatus; reason?: string }, placedAt: unknown, reachedAt: string): void {
  for (const status of statusesReached(fromRank, target.status)) {
    if (status === 'CANCELLED') countByReason(STATUS_METRIC.CANCELLED, cancelReasonCode(target.reason));
    else countMetric(STATUS_METRIC[status]);
  }
  // Known when OrderPlaced was recorded first (it carries placedAt); an order it has not reached yet is not timed.
  if (typeof placedAt !== 'string') return;
  const elapsed = Date.parse(reachedAt) - Date.parse(placedAt);
  if (target.status === 'DELIVERED') durationMetric('TimeToDelivery', elapsed);
  if (target.status === 'CANCELLED') durationMetric('TimeToCancellation', elapsed);
}

/**
 * Status events from inventory, payments, shipping and the carrier -> the order moves forward only,
 * each move publishing its OrderStatusChanged in the same write. A stale or repeated event (its status
 * reached or passed) changes nothing and publishes nothing.
 */
export const handler = sqsConsumer(UPDATE_ORDER_STATUS, async (event, log) => {
  const orderId = event.data.orderId;
  const target = targetStatus(event);
  const rank = STATUS_RANK[target.status];
  // Optimistic concurrency: the transition is conditional on the status we read, so `from` is exact;
  // another event changing the order in between makes us read again.
  for (let race = 0; race < MAX_RACES; race++) {
    const { Item: current } = await dynamo.send(new GetCommand({ TableName: tableName, Key: orderKey(orderId), ConsistentRead: true }));
    const currentRank = typeof current?.['statusRank'] === 'number' ? current['statusRank'] : 0;
    if (currentRank >= rank) {
      log.info('status already reached or passed; nothing to do', { current: current?.['status'], event: target.status });
      countDuplicateSkipped();
      return;
    }
    const from = (current?.['status'] as OrderStatus | undefined) ?? null;
    const customerId = (current?.['customerId'] as string | undefined) ?? ('customerId' in event.data ? event.data.customerId : undefined);
    const set: Record<string, unknown> = { status: target.status, statusRank: rank, updatedAt: event.time, orderId, ...target.attributes };
    if (target.reason !== undefined) set['cancelReason'] = target.reason;
    const result = await store.write(
      store.update(orderKey(orderId), {
        set,
        condition: current === undefined ? 'attribute_not_exists(pk)' : '#statusRank = :expectedRank',
        ...(current === undefined ? {} : { conditionValues: { ':expectedRank': currentRank } }),
        // A refusal is a race with another event on the order (read again), not a duplicate.
        refusal: 'other',
        publish: [eventEntry(OrderStatusChanged, { orderId, customerId, from, to: target.status, reason: target.reason }, orderId)],
      }),
    );
    if (result.status === 'written') {
      countMove(currentRank, target, current?.['placedAt'], event.time);
      return;
    }
  }
  throw new Error(`order ${orderId} kept changing under ${MAX_RACES} attempts to move it to ${target.status}`);
});
