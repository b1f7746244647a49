import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../../local/cloud';
import type { OutputsFile } from '../../../local/assembly/references';
import { ShopClient } from '../../../scripts/shop-client';

/** Where the e2e suite runs: `PIPELINE_TARGET=local` (default) | `localstack` | `aws`. */
export type TargetName = 'local' | 'localstack' | 'aws';

export interface PipelineTarget {
  readonly name: TargetName;
  readonly shop: ShopClient;
  /** The local cloud, when the target is the local cloud (for fault injection and metrics). */
  readonly cloud?: LocalCloud;
  /**
   * Runs the assertion once the pipeline had the chance to get there: on the local cloud, after it
   * settled; elsewhere (nothing to drain), again and again with backoff until it passes or the deadline.
   */
  eventually(assertion: () => Promise<void>, deadlineMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function targetName(): TargetName {
  const name = process.env['PIPELINE_TARGET'] ?? 'local';
  if (name !== 'local' && name !== 'localstack' && name !== 'aws') throw new Error(`PIPELINE_TARGET must be local, localstack or aws, got "${name}"`);
  return name;
}

/** Opens the target named by PIPELINE_TARGET; the local cloud is started in-process on the run's assembly. */
export async function openTarget(options: LocalCloudOptions = {}): Promise<PipelineTarget> {
  const name = targetName();
  if (name === 'local') return openLocal(options);
  throw new Error(`PIPELINE_TARGET=${name} is run with its own command (see README: npm run test:${name})`);
}

async function openLocal(options: LocalCloudOptions): Promise<PipelineTarget> {
  const app = process.env['TEST_ASSEMBLY'];
  if (app === undefined || !fs.existsSync(path.join(app, 'manifest.json'))) throw new Error('TEST_ASSEMBLY is not set: run the e2e suite through jest (npm test)');
  const cloud = await startLocalCloud({ port: 0, app, ...options });
  const shop = new ShopClient(cloud.deployment!.outputs as OutputsFile, cloud.endpoint);
  return {
    name: 'local',
    shop,
    cloud,
    async eventually(assertion, deadlineMs = 60_000) {
      // The settle API over HTTP, as any tool would call it.
      const response = await fetch(`${cloud.endpoint}/_local/settle?timeoutMs=${deadlineMs}`, { method: 'POST' });
      const result = (await response.json()) as { settled: boolean; pending: unknown };
      if (!result.settled) throw new Error(`the local cloud did not settle within ${deadlineMs} ms: ${JSON.stringify(result.pending)}`);
      await assertion();
    },
    async close() {
      shop.destroy();
      await cloud.stop();
    },
  };
}
