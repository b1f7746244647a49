import { requireEnv } from './env';
import { dynamo } from './clients';
import { EffectStore } from './effect-store';

/** What most handlers set up at module load: their table and the store that writes effects to it. */
export function serviceRuntime() {
  const tableName = requireEnv('TABLE_NAME');
  return { tableName, store: new EffectStore(dynamo, tableName) };
}
