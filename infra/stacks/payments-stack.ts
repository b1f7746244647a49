import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { AUTHORIZE_PAYMENT } from '../../functions/payments/subscriptions';
import type { FailureTable } from '../constructs/failure-table';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { checkDuration, checkInteger } from '../constructs/validate';
import { defaultProviderParameters } from './payment-provider-parameters';
import { ServiceStack, type ServiceStackProps } from './service-stack';

/** The payment provider the shop calls, and how it is guarded. Every field has a documented default. */
export interface PaymentProviderProps {
  /**
   * SSM String parameter holding the provider's base URL. Created outside the stack (the provider
   * differs per stage; the local launcher puts the stub's).
   * @default context `paymentProviderUrlParameter`, else `/shop/<stage>/payment-provider/url`
   */
  readonly urlParameterName?: string;
  /**
   * SSM SecureString parameter holding the provider's bearer secret. Created outside the stack:
   * CloudFormation cannot create a SecureString, and a secret never belongs in a template.
   * @default context `paymentProviderSecretParameter`, else `/shop/<stage>/payment-provider/secret`
   */
  readonly secretParameterName?: string;
  /** The KMS key of the secret parameter, when it is not the AWS managed `aws/ssm` key. @default aws/ssm */
  readonly secretKeyArn?: string;
  /** The provider's documented limit of concurrent requests; the hop never exceeds it. @default 10 */
  readonly maxConcurrentRequests?: number;
  /** Timeout of one provider call. @default Duration.seconds(2) */
  readonly timeout?: Duration;
  /** Consecutive unavailable answers (timeouts, 5xx) that open the breaker. @default 5 */
  readonly breakerFailureThreshold?: number;
  /** How long the breaker stays open before one probe; also a waiting message's first wait. @default Duration.seconds(30) */
  readonly breakerCoolDown?: Duration;
  /** The longest a waiting message waits between receives (its backoff's cap). @default Duration.minutes(10) */
  readonly maxWait?: Duration;
  /** Receives of a StockReserved message before its DLQ: the outage budget (README). @default 30 */
  readonly maxReceiveCount?: number;
}

export interface PaymentsStackProps extends ServiceStackProps {
  /** @default - every default of PaymentProviderProps */
  readonly paymentProvider?: PaymentProviderProps;
}

/** The event source's maximum concurrency for the authorize hop: Lambda's minimum, so each invocation may run the most calls. */
const AUTHORIZE_INVOCATIONS = 2;
const BATCH_SIZE = 10;
const FUNCTION_TIMEOUT = Duration.seconds(10);

/**
 * Payments: authorizes reserved orders with the payment provider, an external HTTP API, within its
 * rate limit (at most AUTHORIZE_INVOCATIONS invocations x calls per invocation in flight) and behind
 * a circuit breaker kept in the service's failure table, messages waiting in the queue while it is open.
 */
export class PaymentsStack extends ServiceStack {
  public readonly authorizePayment: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: PaymentsStackProps) {
    super(scope, id, props);
    const provider = props.paymentProvider ?? {};
    const context = (key: string) => this.node.tryGetContext(key) as string | undefined;
    const defaults = defaultProviderParameters(this.stage.name);
    const urlParameter = provider.urlParameterName ?? context('paymentProviderUrlParameter') ?? defaults.url;
    const secretParameter = provider.secretParameterName ?? context('paymentProviderSecretParameter') ?? defaults.secret;
    const limit = provider.maxConcurrentRequests ?? 10;
    const timeout = provider.timeout ?? Duration.seconds(2);
    const coolDown = provider.breakerCoolDown ?? Duration.seconds(30);
    const maxWait = provider.maxWait ?? Duration.minutes(10);
    const maxReceiveCount = provider.maxReceiveCount ?? 30;
    const callsPerInvocation = Math.floor(limit / AUTHORIZE_INVOCATIONS);
    validate(provider, { limit, timeout, coolDown, maxWait, callsPerInvocation });

    const { table } = this.serviceTable('Payments', { publishes: true });
    this.authorizePayment = this.hop('AuthorizePayment', 'payments/authorize-payment', {
      tables: { TABLE_NAME: { table } },
      environment: {
        PROVIDER_URL_PARAMETER: urlParameter,
        PROVIDER_SECRET_PARAMETER: secretParameter,
        PROVIDER_PARAMETERS_MAX_AGE_SECONDS: '300',
        PROVIDER_TIMEOUT_MS: String(timeout.toMilliseconds()),
        PROVIDER_CALLS_PER_INVOCATION: String(callsPerInvocation),
        BREAKER_FAILURE_THRESHOLD: String(provider.breakerFailureThreshold ?? 5),
        BREAKER_COOL_DOWN_SECONDS: String(coolDown.toSeconds()),
        WAIT_MAX_SECONDS: String(maxWait.toSeconds()),
      },
      description: 'StockReserved -> payment provider -> PaymentAuthorized | PaymentDeclined',
      subscription: AUTHORIZE_PAYMENT,
      timeout: FUNCTION_TIMEOUT,
      batchSize: BATCH_SIZE,
      maxConcurrency: AUTHORIZE_INVOCATIONS,
      maxReceiveCount,
    });
    const fn = this.authorizePayment.function;
    // Waiting records get their visibility changed on this queue (the event source already grants it).
    fn.addEnvironment('QUEUE_URL', this.authorizePayment.queue.queueUrl);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [urlParameter, secretParameter].map((name) => this.parameterArn(name)) }));
    if (provider.secretKeyArn !== undefined) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [provider.secretKeyArn] }));
    }
    // The breaker's item lives in the failure table, which hops may only write: this one reads it too.
    const failures = this.node.findChild('Failures') as FailureTable;
    failures.table.grantReadData(fn);

    new CfnOutput(this, 'PaymentProviderUrlParameterName', { value: urlParameter });
    new CfnOutput(this, 'PaymentProviderSecretParameterName', { value: secretParameter });
    new CfnOutput(this, 'PaymentProviderBreakerTableName', { value: failures.table.tableName });
  }

  private parameterArn(name: string): string {
    return this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
  }
}

function validate(provider: PaymentProviderProps, values: { limit: number; timeout: Duration; coolDown: Duration; maxWait: Duration; callsPerInvocation: number }): void {
  const name = 'PaymentsStack.paymentProvider';
  checkInteger(name, 'maxConcurrentRequests', provider.maxConcurrentRequests, AUTHORIZE_INVOCATIONS, 1000);
  checkInteger(name, 'breakerFailureThreshold', provider.breakerFailureThreshold, 1, 100);
  checkInteger(name, 'maxReceiveCount', provider.maxReceiveCount, 1, 1000);
  checkDuration(name, 'breakerCoolDown', values.coolDown, Duration.seconds(1), Duration.hours(1));
  checkDuration(name, 'maxWait', values.maxWait, values.coolDown, Duration.hours(12));
  // A batch's calls run in rounds of callsPerInvocation; every round must fit in the function's timeout.
  // (2 s are kept for the breaker's and the payment's DynamoDB writes.)
  const rounds = Math.ceil(BATCH_SIZE / values.callsPerInvocation);
  checkDuration(name, 'timeout', values.timeout, Duration.millis(100), Duration.millis(Math.floor((FUNCTION_TIMEOUT.toMilliseconds() - 2000) / rounds)));
}
