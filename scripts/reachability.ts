import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { targetSettings, type TargetName } from './targets';

/** Whether a target answers, and if not, a message that says so and how to start it. */
export async function checkReachable(name: Exclude<TargetName, 'local'>, timeoutMs = 5000): Promise<{ ok: true; detail: string } | { ok: false; message: string }> {
  const settings = targetSettings(name);
  if (name === 'localstack') {
    try {
      const response = await fetch(`${settings.endpoint}/_localstack/health`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`${settings.endpoint}/_localstack/health answered ${response.status}: this is not LocalStack`);
      const health = (await response.json()) as { version?: string };
      return { ok: true, detail: `LocalStack ${health.version ?? ''} at ${settings.endpoint}`.trim() };
    } catch (error) {
      return { ok: false, message: `LocalStack is not reachable at ${settings.endpoint} (${(error as Error).message}). To start it: ${settings.howToStart}` };
    }
  }
  const sts = new STSClient({ maxAttempts: 1, requestHandler: { requestTimeout: timeoutMs } as never });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    return { ok: true, detail: `AWS account ${identity.Account} as ${identity.Arn}` };
  } catch (error) {
    return { ok: false, message: `AWS is not reachable with the current credentials (${(error as Error).name}: ${(error as Error).message}). To use it: ${settings.howToStart}` };
  } finally {
    sts.destroy();
  }
}
