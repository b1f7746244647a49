import { AspectPriority, Aspects, Token, type IAspect, type RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { DeadLetterQueue } from './secure-queue';

export interface DataProtectionProps {
  /** Every DynamoDB table. */
  readonly tables: { readonly deletionProtection: boolean; readonly pointInTimeRecovery: boolean; readonly removalPolicy: RemovalPolicy };
  /** Every dead-letter queue made by `deadLetterQueue()`: messages waiting for triage are data too. */
  readonly deadLetterQueues: RemovalPolicy;
  /** Every EventBridge archive: what replays read. */
  readonly archives: RemovalPolicy;
}

/**
 * A stage's data protection, applied to every table, dead-letter queue and archive under the scope,
 * including those added after this was written: what survives a stack's deletion is decided here,
 * once per stage, rather than remembered by each construct.
 */
export class DataProtection implements IAspect {
  constructor(private readonly props: DataProtectionProps) {}

  /** Adds the aspect to `scope`, before the read-only aspects (and validations) see the resources. */
  static apply(scope: IConstruct, props: DataProtectionProps): DataProtection {
    const aspect = new DataProtection(props);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.MUTATING });
    return aspect;
  }

  visit(node: IConstruct): void {
    if (node instanceof dynamodb.CfnTable) {
      const { deletionProtection, pointInTimeRecovery, removalPolicy } = this.props.tables;
      node.deletionProtectionEnabled = deletionProtection;
      // Keeps a recovery period the table chose; only whether recovery is on is the stage's.
      const current = node.pointInTimeRecoverySpecification;
      const chosen = current === undefined || Token.isUnresolved(current) ? {} : (current as dynamodb.CfnTable.PointInTimeRecoverySpecificationProperty);
      node.pointInTimeRecoverySpecification = { ...chosen, pointInTimeRecoveryEnabled: pointInTimeRecovery };
      node.applyRemovalPolicy(removalPolicy);
    } else if (node instanceof sqs.CfnQueue && node.node.scope instanceof DeadLetterQueue) {
      node.applyRemovalPolicy(this.props.deadLetterQueues);
    } else if (node instanceof events.CfnArchive) {
      node.applyRemovalPolicy(this.props.archives);
    }
  }
}
