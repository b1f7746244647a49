import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * With `persist`, a stack deployed again on a kept database adopts its tables: items kept, indexes,
 * stream and time to live brought to the template; a table whose key schema changed is refused with
 * what to do.
 */
jest.setTimeout(60_000);

let dir: string;
let cloud: LocalCloud | undefined;
let client: DynamoDBClient | undefined;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-tables-'));
});
afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<DynamoDBClient> {
  client?.destroy();
  await cloud?.stop();
  cloud = await startLocalCloud({ port: 0, dynamodb: true, persist: dir });
  client = new DynamoDBClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return client;
}

const template = (key: string, extra: Record<string, unknown> = {}) => ({
  Resources: {
    Orders: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'Orders',
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }, ...(extra['GlobalSecondaryIndexes'] ? [{ AttributeName: 'status', AttributeType: 'S' }] : [])],
        BillingMode: 'PAY_PER_REQUEST',
        ...extra,
      },
    },
  },
});

async function deploy(stackName: string, body: object) {
  await cloud!.stackEngine.apply({ stackName, templateBody: JSON.stringify(body), parameters: {} });
  await cloud!.stackEngine.idle();
  return cloud!.stackEngine.get(stackName)!;
}

it('adopts a kept table with its items and brings it to the template', async () => {
  // Prepare
  let dynamo = await start();
  expect((await deploy('Tables', template('pk', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } }))).status).toBe('CREATE_COMPLETE');
  await dynamo.send(new PutItemCommand({ TableName: 'Orders', Item: { pk: { S: 'o-1' }, status: { S: 'PLACED' } } }));
  const byStatus = { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } };

  // Act: the cloud starts again and the stack is deployed anew (its record is gone with the old process), now with more.
  dynamo = await start();
  const stack = await deploy('Tables', template('pk', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' }, GlobalSecondaryIndexes: [byStatus], TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }));

  // Assess
  expect(stack.status).toBe('CREATE_COMPLETE');
  expect((await dynamo.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'o-1' } } }))).Item?.['status']).toEqual({ S: 'PLACED' });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'Orders' }));
  expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byStatus']);
  expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  expect((await dynamo.send(new DescribeTimeToLiveCommand({ TableName: 'Orders' }))).TimeToLiveDescription?.AttributeName).toBe('expires');
});

it('refuses to adopt a kept table whose key schema the template changed', async () => {
  // Prepare: the database keeps Orders keyed by pk (the first test's).
  await start();

  // Act
  const stack = await deploy('Tables', template('orderId'));

  // Assess
  expect(stack.status).toMatch(/ROLLBACK/);
  const reasons = stack.events.map((event) => event.resourceStatusReason ?? '').join('\n');
  expect(reasons).toMatch(/table Orders kept in the persist directory has the key schema pk HASH, the app now wants orderId HASH/);
});
