import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { OutputsFile } from '../../local/assembly/references';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/cloud';
import { defaultProviderParameters } from '../../infra/stacks/payment-provider-parameters';
import { clientConfig } from '../client-config';
import { StubPaymentProvider, type StubProviderOptions } from './stub-server';

/**
 * The SSM parameters the deployed payments stack reads the provider's URL and secret from: its
 * outputs say which (props and context may have renamed them); with no app deployed yet, the dev
 * stage's defaults, where a plain `cdk deploy` will look.
 */
export function providerParameterNames(outputs: OutputsFile | undefined): { url: string; secret: string } {
  const values = Object.values(outputs ?? {}).find((stack) => stack['PaymentProviderUrlParameterName'] !== undefined);
  if (values === undefined) return defaultProviderParameters('dev');
  return { url: values['PaymentProviderUrlParameterName']!, secret: values['PaymentProviderSecretParameterName']! };
}

/** Points the app at a provider: its URL as a String parameter, its secret as a SecureString. */
export async function putProviderParameters(endpoint: string, names: { url: string; secret: string }, provider: { url: string; secret: string }): Promise<void> {
  const ssm = new SSMClient(clientConfig(endpoint));
  try {
    await ssm.send(new PutParameterCommand({ Name: names.url, Value: provider.url, Type: 'String', Overwrite: true, Description: 'Base URL of the payment provider (the local stub)' }));
    await ssm.send(new PutParameterCommand({ Name: names.secret, Value: provider.secret, Type: 'SecureString', Overwrite: true, Description: 'Bearer secret of the payment provider' }));
  } finally {
    ssm.destroy();
  }
}

/** The local cloud with the shop's payment provider: a stub started beside it, the app configured to call it. */
export type ShopCloud = LocalCloud & { readonly provider: StubPaymentProvider };

/**
 * Starts the stub payment provider, then the local cloud (which knows nothing of the shop), and
 * puts the stub's URL and secret where the deployed app reads them. Stopping stops both.
 */
export async function startShopCloud(options: LocalCloudOptions & { readonly provider?: StubProviderOptions } = {}): Promise<ShopCloud> {
  const { provider: providerOptions, ...cloudOptions } = options;
  const provider = await StubPaymentProvider.start(providerOptions);
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud(cloudOptions);
    await putProviderParameters(cloud.endpoint, providerParameterNames(cloud.deployment?.outputs), provider);
  } catch (error) {
    await provider.stop();
    throw error;
  }
  const stopCloud = cloud.stop;
  return {
    ...cloud,
    provider,
    stop: async () => {
      await stopCloud();
      await provider.stop();
    },
  };
}
