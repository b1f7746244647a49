import type { CapacityMeter } from '../local/dynamodb/capacity-meter';
import type { OutputsFile } from '../local/assembly/references';

/** What one table was billed for writes. */
export interface TableWrites {
  writeUnits: number;
  writeItems: number;
}

/**
 * Splits the capacity meter's write units and written items by table, so a run can say which table
 * (which service) writes the most. The meter keeps totals only, and the local cloud is not the
 * benchmark's to change: this wraps the meter's own begin/end and shares out exactly what each
 * call added to its totals (by the table's consumed capacity when DynamoDB reported it, else by the
 * items each table was asked to write), so the tables always add up to the meter.
 */
export class TableWriteMeter {
  private readonly byTable = new Map<string, TableWrites>();

  constructor(meter: CapacityMeter) {
    const begin = meter.begin.bind(meter);
    const end = meter.end.bind(meter);
    meter.begin = (operation, request) => {
      const before = meter.writeItems;
      begin(operation, request);
      this.share('writeItems', meter.writeItems - before, itemsByTable(request));
    };
    meter.end = (operation, request, status, response) => {
      const before = meter.writeUnits;
      end(operation, request, status, response);
      const consumed = consumedByTable(response);
      this.share('writeUnits', meter.writeUnits - before, consumed.size > 0 ? consumed : itemsByTable(request));
    };
  }

  /** A copy of the totals so far, by table name. */
  snapshot(): Map<string, TableWrites> {
    return new Map([...this.byTable].map(([table, writes]) => [table, { ...writes }]));
  }

  private share(key: keyof TableWrites, amount: number, weights: Map<string, number>): void {
    if (amount <= 0) return;
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    const shares = total > 0 ? weights : new Map([[[...weights.keys()][0] ?? 'unknown', 1]]);
    const sum = total > 0 ? total : 1;
    for (const [table, weight] of shares) {
      const writes = this.byTable.get(table) ?? { writeUnits: 0, writeItems: 0 };
      writes[key] += (amount * weight) / sum;
      this.byTable.set(table, writes);
    }
  }
}

/** Per-table writes of a run (after minus before), per order, named as the stack outputs name the tables. */
export function tableWritesPerOrder(after: Map<string, TableWrites>, before: Map<string, TableWrites>, orders: number, outputs: OutputsFile): Record<string, TableWrites> {
  const names = new Map<string, string>();
  for (const stack of Object.values(outputs)) {
    for (const [key, value] of Object.entries(stack)) if (key.endsWith('TableName')) names.set(value, key.slice(0, -'TableName'.length));
  }
  const rows = [...after].map(([table, writes]) => {
    const earlier = before.get(table) ?? { writeUnits: 0, writeItems: 0 };
    const perOrder = (value: number) => Math.round((value / orders) * 100) / 100;
    // Tables without an output (each service's failure table) keep their name, less the app's prefix.
    const name = names.get(table) ?? table.replace(/^Shop-[a-z]+-/, '');
    return [name, { writeUnits: perOrder(writes.writeUnits - earlier.writeUnits), writeItems: perOrder(writes.writeItems - earlier.writeItems) }] as const;
  });
  return Object.fromEntries(rows.filter(([, w]) => w.writeUnits > 0 || w.writeItems > 0).sort((a, b) => b[1].writeUnits - a[1].writeUnits));
}

type Request = Record<string, unknown>;

/** The items a write request asks of each table (condition checks write nothing). */
function itemsByTable(request: Request): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (table: unknown, n: number) => typeof table === 'string' && counts.set(table, (counts.get(table) ?? 0) + n);
  if (typeof request['TableName'] === 'string') add(request['TableName'], 1);
  for (const [table, list] of Object.entries((request['RequestItems'] as Record<string, unknown[]> | undefined) ?? {})) add(table, Array.isArray(list) ? list.length : 0);
  for (const item of (request['TransactItems'] as Array<Record<string, { TableName?: string } | undefined>> | undefined) ?? []) {
    const written = item['Put'] ?? item['Update'] ?? item['Delete'];
    if (written !== undefined) add(written.TableName, 1);
    else add(item['ConditionCheck']?.TableName, 0);
  }
  return counts;
}

/** The capacity DynamoDB reported by table, when it did. */
function consumedByTable(response: Record<string, unknown>): Map<string, number> {
  const consumed = response['ConsumedCapacity'];
  const list = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) as Array<{ TableName?: string; CapacityUnits?: number }>;
  const units = new Map<string, number>();
  for (const c of list) if (c.TableName !== undefined && (c.CapacityUnits ?? 0) > 0) units.set(c.TableName, (units.get(c.TableName) ?? 0) + c.CapacityUnits!);
  return units;
}
