import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as path from 'node:path';
import { clientConfig } from '../../scripts/client-config';
import { orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { openTarget, type PipelineTarget } from './support/target';

/**
 * Handler output read back through CloudWatch Logs, as `aws logs filter-log-events` reads it: an
 * order's lines are found in the functions' log groups by a term and by a JSON filter pattern, next
 * to Lambda's REPORT lines in the same streams.
 */
let target: PipelineTarget;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  target = await openTarget();
  logs = new CloudWatchLogsClient(clientConfig(target.shop.endpoint));
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
});
afterAll(async () => {
  logs?.destroy();
  await target?.close();
});

/**
 * The app's functions' log groups: the app gives each function its own group (LoggingConfig), named by
 * CloudFormation after its stack; a function without one writes to /aws/lambda/<name>.
 */
async function appLogGroups(): Promise<string[]> {
  const prefixes = [...Object.keys(target.shop.outputs), '/aws/lambda/'];
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand(nextToken === undefined ? {} : { nextToken }));
    names.push(...(page.logGroups ?? []).map((g) => g.logGroupName!).filter((name) => prefixes.some((prefix) => name.startsWith(prefix))));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return names;
}

async function filter(logGroupName: string, filterPattern: string): Promise<FilteredLogEvent[]> {
  return (await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern }))).events ?? [];
}

it("finds an order's handler lines with FilterLogEvents, by a term and by a JSON pattern", async () => {
  // Prepare
  const orderId = `logs-${Date.now().toString(36)}`;

  // Act: an order short of stock (recorded, rejected by inventory, cancelled).
  await target.shop.put([orderEntry(sampleOrder(orderId, 'out-of-stock'))]);
  await target.eventually(async () => {
    const { Items = [] } = await target.shop.dynamo.send(new QueryCommand({ TableName: target.shop.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }));
    expect(Items[0]).toMatchObject({ status: 'CANCELLED' });
  });

  // Assess
  await target.eventually(async () => {
    const found = new Map<string, FilteredLogEvent[]>();
    for (const group of await appLogGroups()) {
      const events = await filter(group, `"${orderId}"`);
      if (events.length > 0) found.set(group, events);
    }
    // At least the order's recorder and the inventory's reservation wrote about it.
    expect(found.size).toBeGreaterThanOrEqual(2);
    const [group, events] = [...found][0]!;
    const structured = await filter(group, `{ $.correlationId = "${orderId}" }`);
    expect(structured.length).toBeGreaterThan(0);
    expect(structured.every((e) => JSON.parse(e.message!).correlationId === orderId)).toBe(true);
    const reports = (await logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: [events[0]!.logStreamName!], filterPattern: 'REPORT RequestId' }))).events ?? [];
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]!.message).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB\tMax Memory Used: \d+ MB\t/);
  });
});
