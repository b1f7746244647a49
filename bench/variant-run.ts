import type { LocalCloud } from '../local/cloud';
import type { ShopClient } from '../scripts/shop-client';
import { FunctionMeter, type FunctionUsage, type RelayUsage } from './function-meter';
import { runSaga, type FinalStatusObserver, type SagaOptions, type SagaRun } from './saga';
import { TableWriteMeter, tableWritesPerOrder, type TableWrites } from './table-meter';

/** A saga run with what each table, function and relay did in it. */
export interface MeteredRun extends SagaRun {
  readonly tables: Record<string, TableWrites>;
  readonly functions: Record<string, FunctionUsage>;
  readonly relay: RelayUsage;
}

export interface Meters {
  readonly tables: TableWriteMeter;
  readonly functions: FunctionMeter;
}

/** Runs the saga once with the meters reset for it. */
export async function meteredSaga(cloud: LocalCloud, shop: ShopClient, observer: FinalStatusObserver, meters: Meters, options: SagaOptions): Promise<MeteredRun> {
  const tablesBefore = meters.tables.snapshot();
  meters.functions.reset();
  const run = await runSaga(cloud, shop, observer, options);
  return {
    ...run,
    tables: tableWritesPerOrder(meters.tables.snapshot(), tablesBefore, run.orders, shop.outputs),
    functions: meters.functions.functions(run.orders),
    relay: meters.functions.relay(run.orders),
  };
}

/** The saga in bursts (the peak), then at half that peak's rate: the latency the goal is about. */
export async function peakAndHalf(
  cloud: LocalCloud,
  shop: ShopClient,
  observer: FinalStatusObserver,
  meters: Meters,
  options: { orders: number; label: string; logBytes: () => number; bar: (label: string, done: number, total: number) => void },
): Promise<{ peak: MeteredRun; steady: MeteredRun }> {
  const peak = await meteredSaga(cloud, shop, observer, meters, {
    orders: options.orders,
    entriesPerCall: 10,
    label: `${options.label}-peak`,
    logBytes: options.logBytes,
    onProgress: (d, t) => options.bar(`${options.label}: saga, peak (bursts)`, d, t),
  });
  const halfRate = peak.ordersPerSecond / 2;
  const steady = await meteredSaga(cloud, shop, observer, meters, {
    orders: Math.max(1, Math.round(options.orders / 2)),
    entriesPerCall: 10,
    ratePerSecond: halfRate,
    label: `${options.label}-half`,
    logBytes: options.logBytes,
    onProgress: (d, t) => options.bar(`${options.label}: saga at half the peak (${halfRate.toFixed(0)} orders/s)`, d, t),
  });
  return { peak, steady };
}

/** Meters on a running cloud started with `meterDynamoDb`. */
export function attachMeters(cloud: LocalCloud, shop: ShopClient): Meters {
  if (cloud.dynamodbMeter === undefined) throw new Error('the bench needs a cloud that meters DynamoDB');
  return { tables: new TableWriteMeter(cloud.dynamodbMeter), functions: new FunctionMeter(cloud, shop.outputs) };
}
