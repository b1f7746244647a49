import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as path from 'node:path';
import { metricsNamespace } from '../../functions/shared/metric-names';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { openTarget, targetName, type PipelineTarget } from './support/target';

/**
 * The local cloud keeps what the deployed handlers emit in embedded metric format and answers it at
 * `GET /_local/metrics`: after orders run through the saga, their business and pipeline metrics are
 * there, counted once per effect. Local only: on AWS the metrics are CloudWatch's.
 */
const local = targetName() === 'local';
let target: PipelineTarget;

interface Series {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  sum: number;
  sampleCount: number;
}

(local ? describe : describe.skip)('GET /_local/metrics after a saga', () => {
  beforeAll(async () => {
    target = await openTarget();
    await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
  });
  afterAll(() => target?.close());

  const status = async (orderId: string) =>
    (await target.shop.dynamo.send(new QueryCommand({ TableName: target.shop.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }))).Items?.[0]?.['status'];

  it('answers the orders placed, shipped and cancelled by reason, once each, and the copy of an event as a duplicate', async () => {
    // Prepare: one order that ships, published twice (a re-publication), and one over the credit limit.
    const shipped = orderEntry(sampleOrder('metrics-shipped', 'delivered'));
    const declined = orderEntry(sampleOrder('metrics-declined', 'credit-limit'));

    // Act
    await target.shop.put([shipped, declined]);
    await target.shop.put([shipped]);
    await target.eventually(async () => {
      expect(await status('metrics-shipped')).toBe('SHIPPED');
      expect(await status('metrics-declined')).toBe('CANCELLED');
    });
    const response = await fetch(`${target.cloud!.endpoint}/_local/metrics?namespace=${encodeURIComponent(metricsNamespace('dev'))}`);

    // Assess
    expect(response.status).toBe(200);
    const { series } = (await response.json()) as { series: Series[] };
    const sum = (name: string, dimensions: Record<string, string> = {}) =>
      series.filter((s) => s.name === name && Object.entries(dimensions).every(([k, v]) => s.dimensions[k] === v)).reduce((total, s) => total + s.sum, 0);
    expect({
      placed: sum('OrdersPlaced', { service: 'RecordOrder' }),
      reserved: sum('OrdersReserved'),
      paid: sum('OrdersPaid'),
      shipped: sum('OrdersShipped'),
      cancelledByPayment: sum('OrdersCancelled', { reason: 'PAYMENT_DECLINED', service: 'UpdateOrderStatus' }),
      declines: sum('PaymentDeclines', { service: 'AuthorizePayment' }),
      failed: sum('RecordsFailed'),
    }).toEqual({ placed: 2, reserved: 2, paid: 1, shipped: 1, cancelledByPayment: 1, declines: 1, failed: 0 });
    // The second copy of OrderPlaced changed nothing in each of its consumers, and said so.
    expect(sum('DuplicatesSkipped', { service: 'RecordOrder' })).toBe(1);
    expect(series.find((s) => s.name === 'TimeToCancellation')?.sampleCount).toBe(1);
  });
});
