/**
 * Runs an assertion until it passes or the deadline comes, backing off between tries (for targets
 * that cannot be drained: LocalStack and AWS). The last failure is the error at the deadline.
 */
export async function eventually(
  assertion: () => Promise<void>,
  options: { deadlineMs: number; firstDelayMs?: number; maxDelayMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void> },
): Promise<number> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let delay = options.firstDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await assertion();
      return attempt;
    } catch (error) {
      const left = options.deadlineMs - (now() - started);
      if (left <= 0) {
        const wrapped = new Error(`still failing after ${attempt} attempts in ${options.deadlineMs} ms: ${(error as Error).message}`);
        wrapped.stack = (error as Error).stack;
        throw wrapped;
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5000);
    }
  }
}
