import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface ServiceTableProps {
  /** What happens to the table and its data when the stack is deleted. Set per stage. */
  readonly removalPolicy: RemovalPolicy;
  /** Secondary indexes, each keyed by a string partition key and an optional string sort key. @default - none */
  readonly indexes?: ReadonlyArray<{ readonly name: string; readonly partitionKey: string; readonly sortKey?: string }>;
  /**
   * A stream of every change, new and old images (what the outbox relay reads: the events of a
   * write are those its new image holds and its old one did not). @default false
   */
  readonly stream?: boolean;
}

/** The attribute that expires items (failure reasons) through DynamoDB TTL. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * What every table of the pipeline shares, whatever its keys: on-demand capacity, point-in-time
 * recovery, AWS-owned encryption, TTL on `expiresAt`.
 */
export const PIPELINE_TABLE_DEFAULTS = {
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  encryption: dynamodb.TableEncryption.AWS_MANAGED,
  timeToLiveAttribute: TTL_ATTRIBUTE,
} as const satisfies Partial<dynamodb.TableProps>;

/**
 * The table a service owns: generic `pk`/`sk` string keys (single-table design), on-demand capacity,
 * point-in-time recovery, AWS-owned encryption, TTL on `expiresAt`, and a stream when it has an outbox.
 */
export class ServiceTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      ...PIPELINE_TABLE_DEFAULTS,
      removalPolicy: props.removalPolicy,
      ...(props.stream === true ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    });
    for (const index of props.indexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey === undefined ? {} : { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } }),
      });
    }
  }
}
