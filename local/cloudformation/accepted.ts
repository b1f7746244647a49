import { NEEDS_REPLACEMENT, type ProviderContext, type ResourceProvider } from './provider';

/**
 * Types with no behaviour in the local cloud (permissions, monitoring and its notifications, metadata,
 * encryption keys, container registries, policies): they are recorded with a physical id and the
 * attributes templates read from them, and nothing else happens. Listed here so a deployment can say
 * what it only accepted.
 */
export const ACCEPTED_TYPES: readonly string[] = [
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile', 'AWS::Logs::MetricFilter',
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::Dashboard', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::Permission',
  'AWS::CDK::Metadata', 'AWS::Events::EventBusPolicy', 'AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::SNS::TopicPolicy',
  // Alarm notifications: alarms never fire here, so their topic and its e-mail subscriptions send nothing.
  'AWS::SNS::Topic', 'AWS::SNS::Subscription',
  // The CDK bootstrap's (its bucket and version parameter have providers: s3/, ssm/).
  'AWS::ECR::Repository', 'AWS::S3::BucketPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::User',
];

/** The provider of an accepted type: a physical id (the template's name property, else a generated name) and the usual attributes. */
export function acceptedProvider(type: string): ResourceProvider {
  return {
    type,
    async create(_logicalId, properties, ctx) {
      const physicalId = physicalIdOf(type, nameOf(type, properties) ?? ctx.generatedName(64), properties, ctx);
      return { physicalId, attributes: attributesOf(type, physicalId, properties, ctx) };
    },
    async update(physicalId, previous, next, ctx) {
      if (nameOf(type, previous) !== nameOf(type, next)) return NEEDS_REPLACEMENT;
      return { physicalId, attributes: attributesOf(type, physicalId, next, ctx) };
    },
    async delete() {},
  };
}

const NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SNS::Topic': 'TopicName',
};

/** The physical id (what `Ref` gives) of a resource named `name`: an ARN for the types whose `Ref` is one. */
function physicalIdOf(type: string, name: string, properties: Readonly<Record<string, unknown>>, ctx: ProviderContext): string {
  switch (type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
    case 'AWS::SNS::Subscription':
      return `${String(properties['TopicArn'])}:${name}`;
    default:
      return name;
  }
}

function nameOf(type: string, properties: Readonly<Record<string, unknown>>): string | undefined {
  const key = NAME_PROPERTIES[type];
  const value = key === undefined ? undefined : properties[key];
  return value === undefined || value === null ? undefined : String(value);
}

function attributesOf(type: string, id: string, properties: Readonly<Record<string, unknown>>, ctx: ProviderContext): Record<string, unknown> {
  const { region, accountId } = ctx;
  const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
  switch (type) {
    case 'AWS::IAM::Role':
      return { Arn: `arn:aws:iam::${accountId}:role/${id}`, RoleId: `AROA${id.slice(0, 16).toUpperCase()}` };
    case 'AWS::IAM::ManagedPolicy':
      return { PolicyArn: `arn:aws:iam::${accountId}:policy/${id}` };
    case 'AWS::ECR::Repository':
      return { Arn: `arn:aws:ecr:${region}:${accountId}:repository/${id}`, RepositoryUri: `${accountId}.dkr.ecr.${region}.amazonaws.com/${id}` };
    case 'AWS::SNS::Topic':
      return { TopicArn: id, TopicName: id.split(':').pop() };
    case 'AWS::SNS::Subscription':
      return { Arn: id };
    case 'AWS::KMS::Key':
      return { Arn: `arn:aws:kms:${region}:${accountId}:key/${id}`, KeyId: id };
    default:
      return { Arn: `arn:aws:${service}:${region}:${accountId}:${id}` };
  }
}
