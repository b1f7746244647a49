import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/cloud';

/** A local cloud on a free port with SDK clients pointed at it, as a user would configure them. */
export async function localCloudWithClients(options: LocalCloudOptions = {}) {
  const cloud: LocalCloud = await startLocalCloud({ port: 0, ...options });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { cloud, events: new EventBridgeClient(config), sqs: new SQSClient(config), config };
}
