import { AspectPriority, Aspects, Stack, type IAspect, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlarmTopicProps {
  /** Who is told: each address gets a subscription (SNS mails a confirmation link first). */
  readonly emails: readonly string[];
  /** Of the topic's key. */
  readonly removalPolicy: RemovalPolicy;
}

const CLOUDWATCH = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

/**
 * Where a stage's alarms go: an SNS topic, encrypted with its own KMS key and TLS-only, with an
 * e-mail subscription per address. A customer managed key, not SNS's AWS managed one: CloudWatch
 * can only publish to an encrypted topic whose key policy lets it use the key, and the AWS managed
 * key's policy cannot be changed.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts ${Stack.of(this).stackName}'s alarm notifications`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // What CloudWatch needs to publish to a topic encrypted with this key (CloudWatch user guide, "Alarm actions").
    this.key.addToResourcePolicy(new iam.PolicyStatement({ principals: [CLOUDWATCH], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }));

    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Shop alarms', masterKey: this.key, enforceSSL: true });
    // The topic has a policy (TLS only), so the account's default one is gone: CloudWatch alarms of
    // this account, and only those, may publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [CLOUDWATCH],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${region}:${account}:alarm:*` }, StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}

/**
 * Gives every CloudWatch alarm (metric or composite) under the scope it is added to an alarm action
 * and an OK action to the topic: the person subscribed hears when it fires and when it clears. An
 * aspect, so alarms added anywhere later are covered without remembering to wire them (and so
 * none should add the topic itself). A stack other than the topic's references it across stacks
 * (an export of the topic's stack).
 */
export class AlarmActions implements IAspect {
  private readonly action: SnsAction;

  constructor(private readonly topic: sns.ITopic) {
    this.action = new SnsAction(topic);
  }

  /** Adds the aspect to `scope`, before the read-only aspects (and validations) see the alarms. */
  static notify(scope: IConstruct, topic: sns.ITopic): AlarmActions {
    const aspect = new AlarmActions(topic);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.MUTATING });
    return aspect;
  }

  visit(node: IConstruct): void {
    if (node instanceof cloudwatch.AlarmBase) {
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
      return;
    }
    // An alarm written as a CloudFormation resource directly (not inside an L2 alarm, handled above).
    if ((node instanceof cloudwatch.CfnAlarm || node instanceof cloudwatch.CfnCompositeAlarm) && !(node.node.scope instanceof cloudwatch.AlarmBase)) {
      node.alarmActions = withTopic(node.alarmActions, this.topic.topicArn);
      node.okActions = withTopic(node.okActions, this.topic.topicArn);
    }
  }
}

function withTopic(actions: string[] | undefined, topicArn: string): string[] {
  return actions?.includes(topicArn) === true ? actions : [...(actions ?? []), topicArn];
}
