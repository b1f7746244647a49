import { tablesWritten } from '../../local/dynamodb/dynamodb-proxy';

/** Which stream pollers a write wakes: the tables the write request names, or all when it cannot tell. */
describe('tablesWritten', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('names the table of a single-item write', () => {
    expect(tablesWritten('PutItem', body({ TableName: 'Orders', Item: {} }))).toEqual(['Orders']);
    expect(tablesWritten('UpdateItem', body({ TableName: 'Stock', Key: {} }))).toEqual(['Stock']);
  });

  it('names every table of a batch and of a transaction, once each', () => {
    expect(tablesWritten('BatchWriteItem', body({ RequestItems: { Audit: [], Orders: [] } }))).toEqual(['Audit', 'Orders']);
    const transaction = { TransactItems: [{ Update: { TableName: 'Inventory' } }, { Put: { TableName: 'Inventory' } }, { ConditionCheck: { TableName: 'Orders' } }] };
    expect(tablesWritten('TransactWriteItems', body(transaction))).toEqual(['Inventory', 'Orders']);
  });

  it('cannot tell for PartiQL or a body that is not JSON: any table', () => {
    expect(tablesWritten('ExecuteStatement', body({ Statement: 'UPDATE "Orders" SET a = 1' }))).toBeUndefined();
    expect(tablesWritten('PutItem', Buffer.from('not json'))).toBeUndefined();
  });
});
