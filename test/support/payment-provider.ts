import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { StubPaymentProvider, type StubProviderOptions } from '../../scripts/payment-provider/stub-server';

const URL_PARAMETER = '/shop/test/payment-provider/url';
const SECRET_PARAMETER = '/shop/test/payment-provider/secret';

/**
 * The stub provider for handler tests, and SSM answering its URL and secret to the handler's
 * Powertools Parameters (no SSM here): `env` is what the payments stack would set, plus the tables.
 */
export async function stubProviderForHandler(options: StubProviderOptions = {}) {
  const provider = await StubPaymentProvider.start(options);
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand, { Name: URL_PARAMETER }).resolves({ Parameter: { Name: URL_PARAMETER, Type: 'String', Value: provider.url } });
  ssm.on(GetParameterCommand, { Name: SECRET_PARAMETER, WithDecryption: true }).resolves({ Parameter: { Name: SECRET_PARAMETER, Type: 'SecureString', Value: provider.secret } });
  const env = (tables: { payments: string; failures: string }, overrides: Record<string, string> = {}): Record<string, string> => ({
    TABLE_NAME: tables.payments,
    FAILURE_TABLE_NAME: tables.failures,
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/authorize-payment',
    PROVIDER_URL_PARAMETER: URL_PARAMETER,
    PROVIDER_SECRET_PARAMETER: SECRET_PARAMETER,
    PROVIDER_PARAMETERS_MAX_AGE_SECONDS: '300',
    PROVIDER_TIMEOUT_MS: '2000',
    PROVIDER_CALLS_PER_INVOCATION: '5',
    BREAKER_FAILURE_THRESHOLD: '5',
    BREAKER_COOL_DOWN_SECONDS: '30',
    WAIT_MAX_SECONDS: '600',
    ...overrides,
  });
  return { provider, ssm, env, stop: () => provider.stop() };
}
