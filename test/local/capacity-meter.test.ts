import { CreateTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { costPerMillionOrders, readPrices, type Usage } from '../../bench/cost';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * The cost model's DynamoDB meter: units as DynamoDB Local reports them, asked for behind the
 * client's back and taken out of the answer, so a client sees DynamoDB's usual response.
 */
let cloud: LocalCloud;
let client: DynamoDBClient;
const table = `metered-${Date.now().toString(36)}`;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodb: true, meterDynamoDb: true });
  client = new DynamoDBClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await client.send(
    new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
  );
});
afterAll(async () => {
  client.destroy();
  await cloud.stop();
});

describe('the DynamoDB capacity meter', () => {
  it('counts write units and items, doubles them for transactions, and answers as DynamoDB would', async () => {
    // Prepare
    const meter = cloud.dynamodbMeter!;
    const before = meter.snapshot();

    // Act
    const plain = await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } }));
    const asked = await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'b' } }, ReturnConsumedCapacity: 'TOTAL' }));
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: { pk: { S: 'c' } } } }, { Put: { TableName: table, Item: { pk: { S: 'd' } } } }] }));
    const refused = await client
      .send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .then(() => 'written', (error: Error) => error.name);

    // Assess
    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(asked.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 1 });
    expect(refused).toBe('ConditionalCheckFailedException');
    const after = meter.snapshot();
    // 1 + 1 + 2 x 2 (transaction) + 1 (a refused condition is billed too)
    expect(after.writeUnits - before.writeUnits).toBe(7);
    expect(after.writeItems - before.writeItems).toBe(5);
    expect(meter.requests.get('TransactWriteItems')).toBe(1);
  });
});

describe('the cost model', () => {
  it('prices a usage per order from the price list, by service', () => {
    const prices = readPrices();
    const usage: Usage = { eventbridgeEvents: 8, sqsRequests: 20, lambdaInvocations: 2, relayInvocations: 1, lambdaGbSeconds: 0.1, dynamodbWriteUnits: 40, dynamodbReadUnits: 4, dynamodbWriteItems: 30, dynamodbStreamReadRequests: 6, logBytes: 2 ** 30 / 1e6 };
    const cost = costPerMillionOrders(usage, 2, prices);
    const p = prices.prices;
    expect(cost.byService).toEqual({
      eventbridge: Math.round(4 * p.eventbridgeCustomEventPerMillion.usd * 100) / 100,
      sqs: Math.round(10 * p.sqsStandardRequestPerMillion.usd * 100) / 100,
      lambdaRequests: Math.round(1 * p.lambdaRequestPerMillion.usd * 100) / 100,
      lambdaDuration: Math.round(0.05 * 1e6 * p.lambdaArmGbSecond.usd * 100) / 100,
      dynamodb: Math.round((20 * p.dynamodbOnDemandWriteUnitPerMillion.usd + 2 * p.dynamodbOnDemandReadUnitPerMillion.usd) * 100) / 100,
      dynamodbStreams: Math.round(3 * p.dynamodbStreamsReadRequestByLambdaPerMillion.usd * 100) / 100,
      logs: Math.round(0.5 * p.cloudwatchLogsIngestedPerGb.usd * 100) / 100,
    });
    expect(prices.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
