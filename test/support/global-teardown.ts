import * as fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__DYNAMODB_LOCAL__?.stop();
  if (globalThis.__TEST_ASSEMBLY__ !== undefined) fs.rmSync(globalThis.__TEST_ASSEMBLY__, { recursive: true, force: true });
}
