import { TableWriteMeter, tableWritesPerOrder } from '../../bench/table-meter';
import { CapacityMeter } from '../../local/dynamodb/capacity-meter';

/**
 * The bench's split of DynamoDB writes by table: the tables always add up to the capacity meter's
 * totals, whatever DynamoDB reported (per-table consumed capacity, nothing, or a refusal).
 */
describe('the bench table write meter', () => {
  it('shares each request\'s units and items among its tables, adding up to the meter', () => {
    // Prepare
    const meter = new CapacityMeter();
    const tables = new TableWriteMeter(meter);
    const write = (operation: string, request: Record<string, unknown>, status: number, response: Record<string, unknown>) => {
      meter.begin(operation, request);
      meter.end(operation, request, status, response);
    };

    // Act
    write('PutItem', { TableName: 'Audit' }, 200, { ConsumedCapacity: { TableName: 'Audit', CapacityUnits: 1 } });
    // A transaction over two tables with a condition check: DynamoDB's per-table capacity decides the split.
    write(
      'TransactWriteItems',
      { TransactItems: [{ Put: { TableName: 'Orders' } }, { Update: { TableName: 'Inventory' } }, { ConditionCheck: { TableName: 'Orders' } }] },
      200,
      { ConsumedCapacity: [{ TableName: 'Orders', CapacityUnits: 4 }, { TableName: 'Inventory', CapacityUnits: 2 }] },
    );
    // Refused by its condition: no capacity reported, billed one unit per item by the meter.
    write('PutItem', { TableName: 'Audit' }, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' });
    write('BatchWriteItem', { RequestItems: { Audit: [{}, {}], Orders: [{}] } }, 200, {});
    write('GetItem', { TableName: 'Audit' }, 200, { ConsumedCapacity: { TableName: 'Audit', CapacityUnits: 0.5 } });

    // Assess
    const byTable = tables.snapshot();
    expect(Object.fromEntries(byTable)).toEqual({
      Audit: { writeUnits: 2, writeItems: 4 },
      Orders: { writeUnits: 4, writeItems: 2 },
      Inventory: { writeUnits: 2, writeItems: 1 },
    });
    const sum = (key: 'writeUnits' | 'writeItems') => [...byTable.values()].reduce((total, w) => total + w[key], 0);
    expect({ units: sum('writeUnits'), items: sum('writeItems') }).toEqual({ units: meter.writeUnits, items: meter.writeItems });
  });

  it('gives a run\'s writes per order by the tables\' output names, largest first', () => {
    // Prepare
    const before = new Map([['Shop-dev-Audit-AuditTable1', { writeUnits: 10, writeItems: 10 }]]);
    const after = new Map([
      ['Shop-dev-Audit-AuditTable1', { writeUnits: 30, writeItems: 30 }],
      ['Shop-dev-Orders-FailuresABC', { writeUnits: 2, writeItems: 2 }],
      ['Shop-dev-Orders-OrdersTable2', { writeUnits: 60, writeItems: 40 }],
    ]);
    const outputs = { 'Shop-dev-Audit': { AuditTableName: 'Shop-dev-Audit-AuditTable1' }, 'Shop-dev-Orders': { OrdersTableName: 'Shop-dev-Orders-OrdersTable2' } };

    // Act
    const perOrder = tableWritesPerOrder(after, before, 10, outputs);

    // Assess
    expect(Object.entries(perOrder)).toEqual([
      ['Orders', { writeUnits: 6, writeItems: 4 }],
      ['Audit', { writeUnits: 2, writeItems: 2 }],
      ['Orders-FailuresABC', { writeUnits: 0.2, writeItems: 0.2 }],
    ]);
  });
});
