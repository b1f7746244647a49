import type { Properties, ResourceProvider } from '../cloudformation/provider';

const SETTINGS = [
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FunctionResponseTypes',
  'ScalingConfig',
  'Enabled',
  'FilterCriteria',
  'FunctionName',
  // DynamoDB stream sources
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'DestinationConfig',
];
const NUMBERS = ['BatchSize', 'MaximumBatchingWindowInSeconds', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'ParallelizationFactor'];

/**
 * `AWS::Lambda::EventSourceMapping` (SQS queues and DynamoDB streams): created, updated and deleted through Lambda's
 * control plane, so the API lists it and validates it as Lambda would; Ref is its UUID.
 */
export const eventSourceMappingProvider: ResourceProvider = {
  type: 'AWS::Lambda::EventSourceMapping',
  replaceOn: ['StartingPosition', 'SelfManagedEventSource', 'EventSourceArn', 'SelfManagedKafkaEventSourceConfig', 'AmazonManagedKafkaEventSourceConfig', 'StartingPositionTimestamp'],
  async create(_logicalId, properties, ctx) {
    const startingPosition = properties['StartingPosition'] === undefined ? {} : { StartingPosition: properties['StartingPosition'] };
    const created = await ctx.mappings.create({ EventSourceArn: properties['EventSourceArn'], ...startingPosition, ...settings(properties) });
    return resourceOf(created);
  },
  async update(physicalId, previous, next, ctx) {
    const input = settings(next);
    // A setting the template dropped goes back to Lambda's default.
    if (previous['Enabled'] !== undefined && next['Enabled'] === undefined) input['Enabled'] = true;
    if (previous['MaximumBatchingWindowInSeconds'] !== undefined && next['MaximumBatchingWindowInSeconds'] === undefined) input['MaximumBatchingWindowInSeconds'] = 0;
    if (previous['FunctionResponseTypes'] !== undefined && next['FunctionResponseTypes'] === undefined) input['FunctionResponseTypes'] = [];
    const streamDefaults: Record<string, unknown> = { MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, ParallelizationFactor: 1, DestinationConfig: { OnFailure: {} } };
    for (const [key, value] of Object.entries(streamDefaults)) if (previous[key] !== undefined && next[key] === undefined) input[key] = value;
    return resourceOf(ctx.mappings.update(physicalId, input));
  },
  async delete(physicalId, _properties, ctx) {
    try {
      ctx.mappings.delete(physicalId);
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  },
};

function settings(properties: Properties): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of SETTINGS) if (properties[key] !== undefined) input[key] = properties[key];
  for (const key of NUMBERS) if (input[key] !== undefined) input[key] = Number(input[key]);
  for (const key of ['Enabled', 'BisectBatchOnFunctionError']) if (input[key] !== undefined) input[key] = input[key] === true || input[key] === 'true';
  const scaling = input['ScalingConfig'] as { MaximumConcurrency?: unknown } | undefined;
  if (scaling?.MaximumConcurrency !== undefined) input['ScalingConfig'] = { MaximumConcurrency: Number(scaling.MaximumConcurrency) };
  return input;
}

function resourceOf(mapping: Record<string, unknown>) {
  const uuid = String(mapping['UUID']);
  return { physicalId: uuid, attributes: { Id: uuid, EventSourceMappingArn: mapping['EventSourceMappingArn'] } };
}
