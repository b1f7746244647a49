import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { Stack } from 'aws-cdk-lib';
import { PaymentsStack } from '../../infra/stacks/payments-stack';
import { stageFromContext } from '../../infra/stacks/stage';
import { appContext, synthShop } from '../support/synth';

/** The payments hop as the provider needs it: configuration by name, its rate limit, its outage budget. */
const authorizeFunction = (template: Template) => template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^StockReserved') } });

describe('payments stack and its provider', () => {
  const { shop } = synthShop({ stage: 'prod', alarmEmail: 'ops@example.com' });
  const template = Template.fromStack(shop.payments);

  it('names the provider settings by SSM parameter, per stage, never their values', () => {
    const [fn] = Object.values(authorizeFunction(template)) as Array<{ Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    expect(fn!.Properties.Environment.Variables).toMatchObject({
      PROVIDER_URL_PARAMETER: '/shop/prod/payment-provider/url',
      PROVIDER_SECRET_PARAMETER: '/shop/prod/payment-provider/secret',
      PROVIDER_TIMEOUT_MS: '2000',
      PROVIDER_CALLS_PER_INVOCATION: '5',
      BREAKER_FAILURE_THRESHOLD: '5',
      BREAKER_COOL_DOWN_SECONDS: '30',
      WAIT_MAX_SECONDS: '600',
      QUEUE_URL: { Ref: expect.stringMatching(/^AuthorizePaymentQueue/) },
    });
    template.hasOutput('PaymentProviderUrlParameterName', { Value: '/shop/prod/payment-provider/url' });
    template.hasOutput('PaymentProviderSecretParameterName', { Value: '/shop/prod/payment-provider/secret' });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':parameter/shop/prod/payment-provider/secret');
    expect(policies).toContain('ssm:GetParameter');
  });

  it('stays within the provider limit: 2 invocations x 5 calls, and waits up to 30 receives before the DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 }, FunctionName: Match.anyValue() });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 30, deadLetterTargetArn: Match.anyValue() }, VisibilityTimeout: 60 });
  });

  it('takes other parameter names from context, and refuses a limit or timeout it cannot keep', () => {
    const renamed = synthShop({ paymentProviderUrlParameter: '/acme/pay/url', paymentProviderSecretParameter: '/acme/pay/secret' });
    Template.fromStack(renamed.shop.payments).hasOutput('PaymentProviderSecretParameterName', { Value: '/acme/pay/secret' });
    const build = (paymentProvider: ConstructorParameters<typeof PaymentsStack>[2]['paymentProvider']) => {
      const app = new App({ context: appContext() });
      const domainBus = new events.EventBus(new Stack(app, 'Bus'), 'Bus');
      return new PaymentsStack(app, 'Payments', { stage: stageFromContext('dev'), domainBus, paymentProvider });
    };
    expect(() => build({ maxConcurrentRequests: 1 })).toThrow(/maxConcurrentRequests must be an integer between 2 and 1000, got 1/);
    expect(() => build({ timeout: Duration.seconds(5) })).toThrow(/timeout must be between 100 millis and 4 seconds, got 5 seconds/);
    const wide = Template.fromStack(build({ maxConcurrentRequests: 40, timeout: Duration.seconds(8) }));
    expect(JSON.stringify(wide.toJSON())).toContain('"PROVIDER_CALLS_PER_INVOCATION":"20"');
  });
});
