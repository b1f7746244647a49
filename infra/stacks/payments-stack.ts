import type { Construct } from 'constructs';
import { AUTHORIZE_PAYMENT } from '../../functions/payments/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { ServiceStack, type ServiceStackProps } from './service-stack';

export interface PaymentsStackProps extends ServiceStackProps {
  /** Totals above this are declined by the simulated provider. @default 5000 */
  readonly creditLimit?: number;
}

/** Payments: authorizes reserved orders with a simulated, data-driven provider. */
export class PaymentsStack extends ServiceStack {
  public readonly authorizePayment: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: PaymentsStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Payments', { publishes: true });
    this.authorizePayment = this.hop('AuthorizePayment', 'payments/authorize-payment', {
      tables: { TABLE_NAME: { table } },
      environment: { CREDIT_LIMIT: String(props.creditLimit ?? 5000) },
      description: 'StockReserved -> PaymentAuthorized | PaymentDeclined',
      subscription: AUTHORIZE_PAYMENT,
    });
  }
}
