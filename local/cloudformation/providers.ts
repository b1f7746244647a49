import { globalTableProvider, tableProvider } from '../dynamodb/table.provider';
import { archiveProvider } from '../eventbridge/archive.provider';
import { eventBusProvider } from '../eventbridge/bus.provider';
import { ruleProvider } from '../eventbridge/rule.provider';
import { eventSourceMappingProvider } from '../lambda/event-source-mapping.provider';
import { functionProvider } from '../lambda/function.provider';
import { logGroupProvider } from '../logs/log-group.provider';
import { bucketProvider } from '../s3/bucket.provider';
import { queueProvider } from '../sqs/queue.provider';
import { parameterProvider } from '../ssm/parameter.provider';
import type { ResourceProvider } from './provider';

/**
 * Every resource type the local cloud runs, one provider each. Adding a type is one provider file
 * in its service's folder and one line here; types only recorded are listed in `accepted.ts`.
 */
export const PROVIDERS: readonly ResourceProvider[] = [
  queueProvider,
  eventBusProvider,
  ruleProvider,
  archiveProvider,
  functionProvider,
  eventSourceMappingProvider,
  tableProvider,
  globalTableProvider,
  bucketProvider,
  parameterProvider,
  logGroupProvider,
];
