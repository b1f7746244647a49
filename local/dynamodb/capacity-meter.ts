/**
 * Counts what DynamoDB would bill for the requests that pass the proxy: read and write request units
 * as DynamoDB Local reports them (`ReturnConsumedCapacity: INDEXES`, so GSI writes are in; a
 * transaction is billed at least 2 units per item, as DynamoDB does), the items written, and how many requests were in flight over time.
 * A write refused by its condition reports no capacity, yet AWS bills it; it is counted as one unit
 * per item (the minimum), which is an estimate for items over 1 KB.
 */
export class CapacityMeter {
  readUnits = 0;
  writeUnits = 0;
  /** Items written (a transaction of three items counts three). */
  writeItems = 0;
  readonly requests = new Map<string, number>();
  /** Error answers by type (`TransactionCanceledException`, `ConditionalCheckFailedException`, ...). */
  readonly errors = new Map<string, number>();
  private inFlight = 0;
  private maxInFlight = 0;
  private area = 0;
  private since = performance.now();
  private started = performance.now();

  begin(operation: string, request: Record<string, unknown>): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    this.tick(+1);
    if (WRITES.has(operation)) this.writeItems += itemsWritten(operation, request);
  }

  end(operation: string, request: Record<string, unknown>, status: number, response: Record<string, unknown>): void {
    this.tick(-1);
    const consumed = response['ConsumedCapacity'];
    const units = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]).reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
    if (status === 200) {
      // DynamoDB bills a transactional write twice (2 units per item up to 1 KB); DynamoDB Local does
      // not always report it so, hence the floor.
      if (operation === 'TransactWriteItems') this.writeUnits += Math.max(units, 2 * itemsWritten(operation, request));
      else if (WRITES.has(operation)) this.writeUnits += units;
      else this.readUnits += units;
      return;
    }
    const type = String(response['__type'] ?? 'unknown').split('#').pop()!;
    this.errors.set(type, (this.errors.get(type) ?? 0) + 1);
    if (WRITES.has(operation) && /ConditionalCheckFailed|TransactionCanceled/.test(type)) {
      this.writeUnits += itemsWritten(operation, request) * (operation === 'TransactWriteItems' ? 2 : 1);
    }
  }

  /** Mean requests in flight since the meter started (or since `resetConcurrency`), and the most at once. */
  concurrency(): { mean: number; max: number } {
    this.tick(0);
    const elapsed = performance.now() - this.started;
    return { mean: elapsed > 0 ? this.area / elapsed : 0, max: this.maxInFlight };
  }

  /** Starts measuring concurrency afresh (a benchmark run's own window). */
  resetConcurrency(): void {
    this.tick(0);
    this.area = 0;
    this.started = performance.now();
    this.maxInFlight = this.inFlight;
  }

  snapshot(): { readUnits: number; writeUnits: number; writeItems: number } {
    return { readUnits: this.readUnits, writeUnits: this.writeUnits, writeItems: this.writeItems };
  }

  private tick(change: number): void {
    const now = performance.now();
    this.area += this.inFlight * (now - this.since);
    this.since = now;
    this.inFlight += change;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** DynamoDB's data plane: what the proxy meters and injects faults into (table management is neither). */
export const DATA_OPERATIONS: ReadonlySet<string> = new Set([...READS, ...WRITES]);

function itemsWritten(operation: string, request: Record<string, unknown>): number {
  if (operation === 'TransactWriteItems') {
    // Condition checks are billed as writes too, but write nothing.
    return ((request['TransactItems'] as Array<Record<string, unknown>> | undefined) ?? []).filter((i) => i['ConditionCheck'] === undefined).length;
  }
  if (operation === 'BatchWriteItem') {
    return Object.values((request['RequestItems'] as Record<string, unknown[]> | undefined) ?? {}).reduce((sum, list) => sum + list.length, 0);
  }
  return 1;
}
