import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/** A table updated through the stack engine keeps its items; an index added or removed applies in place; a new key schema is a new table. */
describe('the stack engine on a DynamoDB table', () => {
  let cloud: LocalCloud;
  let client: DynamoDBClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, dynamodb: true });
    client = new DynamoDBClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  afterAll(async () => {
    client.destroy();
    await cloud.stop();
  });

  const table = (extra: Record<string, unknown>, key = 'pk') => ({
    Resources: {
      Orders: {
        Type: 'AWS::DynamoDB::Table',
        Properties: { KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }, ...(extra['GlobalSecondaryIndexes'] ? [{ AttributeName: 'status', AttributeType: 'S' }] : [])], BillingMode: 'PAY_PER_REQUEST', ...extra },
      },
    },
    Outputs: { Name: { Value: { Ref: 'Orders' } } },
  });
  async function apply(template: object) {
    await cloud.stackEngine.apply({ stackName: 'Tables', templateBody: JSON.stringify(template), parameters: {} });
    await cloud.stackEngine.idle();
    return cloud.stackEngine.get('Tables')!;
  }

  it('adds and removes an index without losing items, and replaces the table on a new key', async () => {
    const created = await apply(table({}));
    expect(created.status).toBe('CREATE_COMPLETE');
    const name = created.outputs[0]!.outputValue;
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'o-1' }, status: { S: 'PLACED' } } }));

    const byStatus = { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } };
    const indexed = await apply(table({ GlobalSecondaryIndexes: [byStatus], TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }));
    expect(indexed.events.filter((e) => /FAILED/.test(e.resourceStatus)).map((e) => e.resourceStatusReason)).toEqual([]);
    expect(indexed.status).toBe('UPDATE_COMPLETE');
    expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byStatus']);
    expect((await client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'o-1' } } }))).Item?.['status']).toEqual({ S: 'PLACED' });

    const plain = await apply(table({}));
    expect(plain.events.filter((e) => /FAILED/.test(e.resourceStatus)).map((e) => e.resourceStatusReason).slice(-1)).toEqual([]);
    expect(plain.status).toBe('UPDATE_COMPLETE');
    expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes ?? []).toEqual([]);
    expect((await client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'o-1' } } }))).Item).toBeDefined();

    const rekeyed = await apply(table({}, 'id'));
    expect(rekeyed.status).toBe('UPDATE_COMPLETE');
    const newName = rekeyed.outputs[0]!.outputValue;
    expect(newName).not.toBe(name);
    await expect(client.send(new DescribeTableCommand({ TableName: name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await cloud.stackEngine.delete('Tables');
    await cloud.stackEngine.idle();
    await expect(client.send(new DescribeTableCommand({ TableName: newName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
