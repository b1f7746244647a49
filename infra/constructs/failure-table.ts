import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { PIPELINE_TABLE_DEFAULTS } from './service-table';

export interface FailureTableProps {
  /** Set per stage, as the service's own table. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Operational records apart from business data: the reason of each message a service's handlers
 * gave up on, keyed by the SQS message id the DLQ holds, expiring with the DLQ's retention (TTL).
 * Tools that read the service's table never meet them.
 */
export class FailureTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: FailureTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'messageId', type: dynamodb.AttributeType.STRING },
      ...PIPELINE_TABLE_DEFAULTS,
      removalPolicy: props.removalPolicy,
    });
  }
}
