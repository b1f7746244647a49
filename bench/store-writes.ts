import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * DynamoDB Local's raw write rate through the local cloud's endpoint: one SDK client putting items of
 * the pipeline's typical size (about 400 bytes) into a fresh table, `concurrency` requests at a time,
 * for `durationMs`. The yardstick of the pipeline's store efficiency.
 */
export async function rawWritesPerSecond(endpoint: string, concurrency: number, durationMs = 5000): Promise<number> {
  const requestHandler = new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: Math.max(8, concurrency) }) });
  const base = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, requestHandler });
  const client = DynamoDBDocumentClient.from(base);
  const table = `bench-raw-writes-${Date.now().toString(36)}`;
  await base.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    }),
  );
  const payload = { customerId: 'cust-bench', currency: 'EUR', total: 99.7, status: 'PLACED', items: [{ sku: 'SKU-KEYBOARD', quantity: 1, unitPrice: 79.9 }, { sku: 'SKU-CABLE', quantity: 2, unitPrice: 9.9 }], placedAt: new Date().toISOString(), note: 'x'.repeat(160) };
  let written = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const writer = async (id: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      await client.send(new PutCommand({ TableName: table, Item: { pk: `ORDER#w${id}-${i}`, sk: 'ORDER', ...payload } }));
      written++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, (_, id) => writer(id)));
  const seconds = (performance.now() - started) / 1000;
  await base.send(new DeleteTableCommand({ TableName: table }));
  base.destroy();
  return written / seconds;
}
