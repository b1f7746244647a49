import { ensureAssembly } from '../local/assembly/ensure-assembly';
import { startLocalCloud } from '../local/cloud';

/**
 * Seconds from a cloud assembly to a ready local cloud: DynamoDB Local started, every resource
 * created, event source mappings polling. The median of `runs` boots.
 */
export async function bootSeconds(runs = 3): Promise<{ median: number; all: number[] }> {
  const app = ensureAssembly(undefined, () => undefined);
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const cloud = await startLocalCloud({ port: 0, app });
    all.push(Number(process.hrtime.bigint() - started) / 1e9);
    await cloud.stop();
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, all };
}

/** What a LocalStack start plus `cdklocal deploy` costs, from published figures (nothing of it can run here). */
export const LOCALSTACK_REFERENCE = {
  text: 'LocalStack in CI: ~60 s to set up (setup-localstack), ~20 s with a pre-pulled image and a plain docker run, before cdklocal bootstrap + deploy',
  sources: ['https://github.com/localstack/setup-localstack/issues/49', 'https://github.com/localstack/setup-localstack/issues/45'],
};
