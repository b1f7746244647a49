import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { createServiceTable, getItem, testDynamo } from '../support/tables';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

describe('npm run seed', () => {
  it('loads every product with its stock into the inventory table named by the outputs file', async () => {
    // Prepare
    const table = await createServiceTable('inventory');
    const outputs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seed-')), 'outputs.json');
    fs.writeFileSync(outputs, JSON.stringify({ 'Shop-dev-EventBus': {}, 'Shop-dev-Inventory': { InventoryTableName: table } }));
    const products = readProducts(path.join(ROOT, 'data', 'products.json'));

    // Act
    const { stdout } = await run('npx', ['tsx', 'scripts/seed-products.ts', '--outputs', outputs, '--endpoint', process.env['DYNAMODB_TEST_ENDPOINT']!], { cwd: ROOT });

    // Assess
    expect(stdout).toContain(`seeded ${products.length} products into ${table}`);
    for (const product of products) {
      expect(await getItem(table, `SKU#${product.sku}`, 'STOCK')).toMatchObject({ available: product.stock, reserved: 0 });
    }
  });

  it('keeps what live orders hold reserved: the total becomes the catalog\'s stock, a stock below the reservations is refused', async () => {
    // Prepare: a live table where orders hold 3 keyboards and 5 cables.
    const table = await createServiceTable('inventory-live');
    await testDynamo.send(new PutCommand({ TableName: table, Item: { pk: 'SKU#KB', sk: 'STOCK', sku: 'KB', available: 7, reserved: 3 } }));
    await testDynamo.send(new PutCommand({ TableName: table, Item: { pk: 'SKU#CABLE', sk: 'STOCK', sku: 'CABLE', available: 1, reserved: 5 } }));

    // Act: seed 20 keyboards, 4 cables (fewer than reserved) and a new product.
    const seeding = seedProducts(testDynamo, table, [
      { sku: 'KB', name: 'Keyboard', unitPrice: 10, stock: 20 },
      { sku: 'CABLE', name: 'Cable', unitPrice: 2, stock: 4 },
      { sku: 'NEW', name: 'New', unitPrice: 1, stock: 6 },
    ]);

    // Assess
    await expect(seeding).rejects.toThrow('stock below what live orders hold reserved, left unchanged: CABLE');
    expect(await getItem(table, 'SKU#KB', 'STOCK')).toMatchObject({ available: 17, reserved: 3, initialStock: 20, name: 'Keyboard' });
    expect(await getItem(table, 'SKU#CABLE', 'STOCK')).toMatchObject({ available: 1, reserved: 5 });
    expect(await getItem(table, 'SKU#NEW', 'STOCK')).toMatchObject({ available: 6, reserved: 0 });
  });

  it('names a bad catalog entry', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seed-')), 'bad.json');
    fs.writeFileSync(file, JSON.stringify([{ sku: 'A', unitPrice: 1, stock: -1 }]));
    expect(() => readProducts(file)).toThrow(`${file}[0] (A): stock must be a non-negative integer, got -1`);
  });
});
