import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OutputsFile } from '../local/assembly/references';
import { clientConfig } from './client-config';
import { deadLetterQueues, output } from './outputs';

/**
 * The shop as a user sees it from outside: AWS APIs only, resources found through the stack
 * outputs, so it works against the local cloud, LocalStack and AWS.
 */
export class ShopClient {
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly lambda: LambdaClient;

  constructor(
    readonly outputs: OutputsFile,
    readonly endpoint: string | undefined,
  ) {
    const config = clientConfig(endpoint);
    this.lambda = new LambdaClient(config);
    this.events = new EventBridgeClient(config);
    this.sqs = new SQSClient(config);
    this.dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
  }

  table(key: 'Orders' | 'Inventory' | 'Payments' | 'Shipping' | 'Notifications' | 'Audit'): string {
    return output(this.outputs, `${key}TableName`);
  }

  /** Puts events in calls of 10, on the domain bus unless told otherwise; throws if any entry fails. */
  async put(entries: PutEventsRequestEntry[], bus: 'DomainBusName' | 'IntegrationBusName' = 'DomainBusName'): Promise<string[]> {
    const busName = output(this.outputs, bus);
    const ids: string[] = [];
    for (let i = 0; i < entries.length; i += 10) {
      const result = await this.events.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10).map((e) => ({ ...e, EventBusName: busName })) }));
      const failed = result.Entries?.filter((e) => e.ErrorCode !== undefined) ?? [];
      if (failed.length > 0) throw new Error(`PutEvents refused ${failed.length} entries: ${failed.map((f) => `${f.ErrorCode} ${f.ErrorMessage}`).join('; ')}`);
      ids.push(...(result.Entries ?? []).map((e) => e.EventId!));
    }
    return ids;
  }

  /** Every item of a table (the shop's tables are small in local runs). */
  async scan(table: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  async orders(): Promise<Array<Record<string, unknown>>> {
    return (await this.scan(this.table('Orders'))).filter((item) => item['sk'] === 'ORDER');
  }

  /** The audit store's event records (every item: failure reasons live in the service's failure table). */
  async auditTrail(): Promise<Array<Record<string, unknown>>> {
    return this.scan(this.table('Audit'));
  }

  /** Messages waiting in each dead-letter queue. */
  async deadLetterCounts(): Promise<Array<{ name: string; url: string; messages: number }>> {
    return Promise.all(
      deadLetterQueues(this.outputs).map(async (dlq) => {
        const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
        return { ...dlq, messages: Number(Attributes['ApproximateNumberOfMessages'] ?? 0) + Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0) };
      }),
    );
  }

  destroy(): void {
    this.lambda.destroy();
    this.events.destroy();
    this.sqs.destroy();
    this.dynamo.destroy();
  }
}
