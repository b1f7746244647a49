import * as path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { openTarget, targetName, type PipelineTarget } from './support/target';

/**
 * A handler that times out, inside the real pipeline (local cloud only: it injects the fault):
 * the invocation fails at the function's timeout, the sandbox is replaced, the batch returns to
 * its queue after the visibility timeout, and the order still completes.
 */
const onLocal = targetName() === 'local' ? describe : describe.skip;

onLocal('a handler timeout in the pipeline', () => {
  let target: PipelineTarget;
  let injected = 0;

  beforeAll(async () => {
    target = await openTarget({
      // The first invocation of ScheduleShipment hangs past its 10 s timeout.
      invokeFault: (fn) => (fn.name.includes('ScheduleShipment') && injected++ === 0 ? 'timeout' : undefined),
    });
    await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
  });
  afterAll(() => target.close());

  it('fails the timed-out invocation, replaces its sandbox, and still ships the order', async () => {
    // Act
    const orderId = `e2e-timeout-${Date.now().toString(36)}`;
    await target.shop.put([orderEntry(sampleOrder(orderId, 'delivered'))]);

    // Assess
    await target.eventually(async () => {
      const { Items = [] } = await target.shop.dynamo.send(new QueryCommand({ TableName: target.shop.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }));
      expect(Items[0]).toMatchObject({ status: 'SHIPPED' });
    }, 90_000);
    expect(target.cloud!.lambda.metrics.timeouts).toBe(1);
    const scheduler = target.cloud!.lambda.all().find((fn) => fn.name.includes('ScheduleShipment'))!;
    expect(scheduler.sandboxes.length).toBeGreaterThanOrEqual(1);
    expect(target.cloud!.lambda.metrics.coldStarts).toBeGreaterThan(target.cloud!.lambda.all().filter((fn) => fn.sandboxes.length > 0).length);
  }, 120_000);
});
