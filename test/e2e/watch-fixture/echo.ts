import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { VERSION } from './answer';

/**
 * The watch test's handler (a copy of it runs, in a temporary folder): a direct invocation answers
 * the version it was built with, after `sleepMs` if asked; a queue's batch writes one item per
 * message, keyed by the message body, with that version.
 */
const client = new DynamoDBClient({});
const table = process.env['TABLE_NAME'];

export const handler = async (event: SQSEvent | { sleepMs?: number }): Promise<{ version: string } | Record<string, never>> => {
  if ('Records' in event) {
    for (const record of event.Records) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: record.body }, version: { S: VERSION } } }));
    return {};
  }
  if (event.sleepMs !== undefined) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { version: VERSION };
};
