import { createStackEngine, type LocalStackEngine } from '../../local/cloudformation/engine';
import type { AssetResolver, ParameterStore } from '../../local/cloudformation/provider';
import type { LocalCloud } from '../../local/cloud';

/**
 * A stack engine of its own over a running local cloud's services (its queues, buses, functions and
 * mappings), with the function code and SSM parameters a test gives it.
 */
export function stackEngineOn(cloud: LocalCloud, options: { readonly assets: AssetResolver; readonly ssm: ParameterStore }): LocalStackEngine {
  return createStackEngine({
    clock: cloud.clock,
    region: cloud.region,
    accountId: cloud.accountId,
    endpoint: () => cloud.endpoint,
    sqs: cloud.sqs,
    eventBridge: cloud.eventBridge,
    lambda: cloud.lambda,
    mappings: cloud.mappings,
    assets: options.assets,
    ssm: options.ssm,
    changed: () => undefined,
  });
}
