import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';

/**
 * Stack outputs are how tools and tests find resources (`cdk deploy --outputs-file`), on AWS,
 * LocalStack and the local cloud alike. Output keys are stable names, never physical names.
 */
export function outputQueue(stack: Stack, name: string, queue: sqs.IQueue): void {
  new CfnOutput(stack, `${name}Url`, { value: queue.queueUrl });
  new CfnOutput(stack, `${name}Arn`, { value: queue.queueArn });
}

export function outputTable(stack: Stack, name: string, table: dynamodb.ITable): void {
  new CfnOutput(stack, `${name}TableName`, { value: table.tableName });
}

/** The queue, both DLQs and the function of a hop, under `<name>Queue...`, `<name>Function...`. */
export function outputHop(stack: Stack, name: string, hop: QueuedEventHandler): void {
  outputQueue(stack, `${name}Queue`, hop.queue);
  outputQueue(stack, `${name}DeadLetterQueue`, hop.deadLetterQueue);
  outputQueue(stack, `${name}TargetDeadLetterQueue`, hop.targetDeadLetterQueue);
  new CfnOutput(stack, `${name}FunctionName`, { value: hop.function.functionName });
}
