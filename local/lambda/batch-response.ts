/**
 * Which messages of a batch failed, read from the function's response as Lambda reads a partial
 * batch response. Complete success: no response, `{}`, or an empty or null `batchItemFailures`.
 * Complete failure: a response that is not an object, or any item identifier that is empty, null,
 * under another key, or not a message of this batch. Without ReportBatchItemFailures, any
 * successful response is a complete success.
 */
export function failedMessageIds(response: unknown, batchIds: readonly string[], reportBatchItemFailures: boolean): { all: true } | { all: false; ids: Set<string> } {
  if (!reportBatchItemFailures || response === null || response === undefined) return { all: false, ids: new Set() };
  if (typeof response !== 'object' || Array.isArray(response)) return { all: true };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { all: false, ids: new Set() };
  if (!Array.isArray(failures)) return { all: true };
  const known = new Set(batchIds);
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !known.has(id)) return { all: true };
    ids.add(id);
  }
  return { all: false, ids };
}
