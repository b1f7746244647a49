import { requireEnv } from './env';
import { dynamo, eventBridge } from './clients';
import { EffectLedger } from './apply-once';
import { Publisher } from './publisher';

/** What most handlers set up at module load: their table, the bus they publish to, and the ledger. */
export function serviceRuntime(options: { publishes: boolean }) {
  const tableName = requireEnv('TABLE_NAME');
  const publisher = new Publisher({
    client: eventBridge,
    // A consumer that publishes nothing is not given a bus (least privilege), so it needs none.
    eventBusName: options.publishes ? requireEnv('EVENT_BUS_NAME') : '',
  });
  return { tableName, publisher, ledger: new EffectLedger({ dynamo, publisher, tableName }) };
}
