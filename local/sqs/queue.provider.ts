import { NEEDS_REPLACEMENT, ResourceProviderError, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';
import { defaultQueueAttributes } from './queue-attributes';

const PLAIN_ATTRIBUTES = ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds', 'SqsManagedSseEnabled', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];
const JSON_ATTRIBUTES = ['RedrivePolicy', 'RedriveAllowPolicy'];

const isFifo = (properties: Properties) => properties['FifoQueue'] === true || properties['FifoQueue'] === 'true';

/** The queue's attributes as SQS takes them (strings; policies as JSON text). */
function queueAttributes(properties: Properties): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const key of PLAIN_ATTRIBUTES) if (properties[key] !== undefined) attributes[key] = String(properties[key]);
  // CloudFormation accepts FifoQueue: false for a standard queue; the SQS API refuses it (Unknown Attribute FifoQueue).
  if (!isFifo(properties)) delete attributes['FifoQueue'];
  for (const key of JSON_ATTRIBUTES) {
    const value = properties[key];
    if (value !== undefined) attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return attributes;
}

function tagMap(properties: Properties): Record<string, string> | undefined {
  const tags = properties['Tags'] as Array<{ Key: string; Value: string }> | undefined;
  return tags === undefined ? undefined : Object.fromEntries(tags.map((t) => [String(t.Key), String(t.Value)]));
}

const resourceOf = (queue: { url: string; arn: string; name: string }) => ({ physicalId: queue.url, attributes: { Arn: queue.arn, QueueName: queue.name, QueueUrl: queue.url } });

/** `AWS::SQS::Queue`: an SQS queue; Ref is its URL. Attribute changes apply in place (messages kept); a new name or FIFO-ness is a new queue. */
export const queueProvider: ResourceProvider = {
  type: 'AWS::SQS::Queue',
  replaceOn: ['FifoQueue', 'QueueName'],
  async create(_logicalId, properties, ctx: ProviderContext) {
    const fifo = isFifo(properties);
    const generated = (unique: boolean) => `${ctx.generatedName(fifo ? 75 : 80, unique)}${fifo ? '.fifo' : ''}`;
    const given = properties['QueueName'] as string | undefined;
    let name = given ?? generated(false);
    if (ctx.sqs.allQueues().some((q) => q.name === name)) {
      if (given !== undefined) throw new ResourceProviderError(`Resource of type 'AWS::SQS::Queue' with identifier '${name}' already exists.`);
      name = generated(true);
    }
    try {
      return resourceOf(ctx.sqs.createQueue(name, queueAttributes(properties), tagMap(properties)));
    } catch (error) {
      // SQS holds a deleted queue's name for 60 s (a stack deleted and deployed again, a retried rollback): a generated name moves on.
      if (given !== undefined || !String((error as { name?: string }).name).endsWith('QueueDeletedRecently')) throw error;
      return resourceOf(ctx.sqs.createQueue(generated(true), queueAttributes(properties), tagMap(properties)));
    }
  },
  async update(physicalId, previous, next, ctx) {
    if (isFifo(previous) !== isFifo(next)) return NEEDS_REPLACEMENT;
    const queue = ctx.sqs.queueByUrl(physicalId);
    const wanted = queueAttributes(next);
    // An attribute the template no longer sets goes back to SQS's default; a removed policy is cleared.
    const defaults = defaultQueueAttributes(queue.fifo);
    for (const key of Object.keys(queueAttributes(previous))) {
      if (wanted[key] !== undefined) continue;
      if (JSON_ATTRIBUTES.includes(key)) wanted[key] = '';
      else if (defaults[key] !== undefined) wanted[key] = defaults[key]!;
    }
    if (Object.keys(wanted).length > 0) await ctx.sqs.handle('SetQueueAttributes', { QueueUrl: physicalId, Attributes: wanted });
    return resourceOf(queue);
  },
  async delete(physicalId, _properties, ctx) {
    if (!ctx.sqs.allQueues().some((q) => q.url === physicalId)) return;
    await ctx.sqs.handle('DeleteQueue', { QueueUrl: physicalId });
  },
};
