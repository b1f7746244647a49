import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * A DynamoDB stream mapping deployed by the stack engine: the table's StreamSpecification gives
 * `Fn::GetAtt [Table, StreamArn]`, the mapping starts at LATEST, filters, and sends a batch it gives
 * up on to its on-failure queue; settling waits until the stream's records are handled.
 */
describe('a DynamoDB stream event source mapping in a stack', () => {
  let cloud: LocalCloud;
  let dynamodb: DynamoDBClient;
  let lambda: LambdaClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, dynamodb: true });
    const config = { endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    dynamodb = new DynamoDBClient(config);
    lambda = new LambdaClient(config);
    const code = "exports.handler = async (event) => { if (event.Records.some((r) => r.dynamodb.NewImage && r.dynamodb.NewImage.fail)) throw new Error('asked to fail'); };";
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'relay', Runtime: 'nodejs20.x', Role: `arn:aws:iam::${cloud.accountId}:role/r`, Handler: 'index.handler', Code: { ZipFile: zipSync({ 'index.js': strToU8(code) }) } }));
  });
  afterAll(async () => {
    dynamodb.destroy();
    lambda.destroy();
    await cloud.stop();
  });

  const table = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'outbox', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST', StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } } };
  const mapping = {
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      FunctionName: 'relay',
      EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: '10',
      MaximumRetryAttempts: '0',
      BisectBatchOnFunctionError: 'true',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'outbox#' }] } } } }) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
    },
  };
  async function apply(resources: object) {
    await cloud.stackEngine.apply({ stackName: 'Streams', templateBody: JSON.stringify({ Resources: resources, Outputs: { Stream: { Value: { 'Fn::GetAtt': ['Table', 'StreamArn'] } }, Failures: { Value: { 'Fn::GetAtt': ['Failures', 'Arn'] } } } }), parameters: {} });
    await cloud.stackEngine.idle();
    const stack = cloud.stackEngine.get('Streams')!;
    expect(stack.events.filter((e) => /FAILED/.test(e.resourceStatus)).map((e) => e.resourceStatusReason)).toEqual([]);
    return stack;
  }
  const put = (pk: string, extra: Record<string, unknown> = {}) => dynamodb.send(new PutItemCommand({ TableName: 'outbox', Item: { pk: { S: pk }, ...extra } as never }));

  it('delivers only what is written after it starts and what its filter passes; gives a failing record up to its queue', async () => {
    const first = await apply({ Table: table, Failures: { Type: 'AWS::SQS::Queue' } });
    expect(first.outputs[0]!.outputValue).toMatch(new RegExp(`^arn:aws:dynamodb:${cloud.region}:${cloud.accountId}:table/outbox/stream/\\d{4}-`));
    await put('outbox#before');
    // The Streams API answers on the cloud's endpoint (signed for service dynamodb, as the SDK's streams client signs it).
    const listed = await fetch(cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDBStreams_20120810.ListStreams', authorization: `AWS4-HMAC-SHA256 Credential=x/20260101/${cloud.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0` },
      body: JSON.stringify({ TableName: 'outbox' }),
    });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { Streams: Array<{ TableName: string }> }).Streams.map((stream) => stream.TableName)).toEqual(['outbox']);
    await apply({ Table: table, Failures: { Type: 'AWS::SQS::Queue' }, Mapping: mapping });
    const [runtime] = cloud.mappings.streamRuntimes();
    expect(runtime?.config.startingPosition).toBe('LATEST');

    await put('outbox#1');
    await put('business#1'); // filtered out: not an outbox record
    await dynamodb.send(new DeleteItemCommand({ TableName: 'outbox', Key: { pk: { S: 'outbox#1' } } })); // REMOVE: filtered out
    await put('outbox#2', { fail: { BOOL: true } });
    const settled = await cloud.settle(15_000);
    expect(settled.settled).toBe(true);
    // outbox#1 once; outbox#2 alone or with outbox#1, failing once (no retries) and given up on.
    expect(runtime?.metrics.failedRecords).toBeGreaterThanOrEqual(1);
    const failures = cloud.sqs.findByArn(first.outputs.find((output) => output.outputKey === 'Failures')!.outputValue);
    const messages = failures?.take(10) ?? [];
    expect(messages).toHaveLength(1);
    const record = JSON.parse(String(messages[0]!.message.body)) as { requestContext: { condition: string }; DDBStreamBatchInfo: { batchSize: number; streamArn: string } };
    expect(record.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(record.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, streamArn: first.outputs.find((output) => output.outputKey === 'Stream')!.outputValue });

    await cloud.stackEngine.delete('Streams');
    await cloud.stackEngine.idle();
    expect(cloud.mappings.streamRuntimes()).toEqual([]);
  });
});
