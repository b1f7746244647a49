import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalCloud, LocalCloudOptions } from '../../../local/cloud';
import type { OutputsFile } from '../../../local/assembly/references';
import { startShopCloud } from '../../../scripts/payment-provider/local-provider';
import { eventually } from '../../../scripts/poll';
import { ShopClient } from '../../../scripts/shop-client';
import { readOutputsFile, targetFromEnv, targetSettings, type TargetName } from '../../../scripts/targets';

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
  /** The target's time (ms): the wall clock, or the local cloud's clock, as its health check reports it. */
  now(): Promise<number>;
  close(): Promise<void>;
}

export const targetName = (): TargetName => targetFromEnv();

/** How long a remote target may take to get there (LocalStack batches slowly: localstack/localstack#11003). */
const REMOTE_DEADLINE_MS: Record<Exclude<TargetName, 'local'>, number> = { localstack: 180_000, aws: 120_000 };

/**
 * Opens the target named by PIPELINE_TARGET. The local cloud is started in-process on the run's
 * assembly; LocalStack and AWS are reached through their deploy's outputs file, with polling.
 */
export async function openTarget(options: LocalCloudOptions = {}): Promise<PipelineTarget> {
  const name = targetName();
  if (name === 'local') return openLocal(options);
  const settings = targetSettings(name);
  const shop = new ShopClient(readOutputsFile(settings.outputsFile, settings.howToStart), settings.endpoint);
  return {
    name,
    shop,
    eventually: async (assertion, deadlineMs = REMOTE_DEADLINE_MS[name]) => {
      await eventually(assertion, { deadlineMs: Math.max(deadlineMs, REMOTE_DEADLINE_MS[name]) });
    },
    now: async () => Date.now(),
    close: async () => shop.destroy(),
  };
}

async function openLocal(options: LocalCloudOptions): Promise<PipelineTarget> {
  const app = process.env['TEST_ASSEMBLY'];
  if (app === undefined || !fs.existsSync(path.join(app, 'manifest.json'))) throw new Error('TEST_ASSEMBLY is not set: run the e2e suite through jest (npm test)');
  // With the stub payment provider the app calls, as `npm start` and `npm run local` run it.
  const cloud = await startShopCloud({ port: 0, app, ...options });
  const shop = new ShopClient(cloud.deployment!.outputs as OutputsFile, cloud.endpoint);
  return {
    name: 'local',
    shop,
    cloud,
    async now() {
      const health = (await (await fetch(`${cloud.endpoint}/_local/health`)).json()) as { clock: string };
      return Date.parse(health.clock);
    },
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
