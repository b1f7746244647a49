import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readProducts } from '../../scripts/seed-products';
import { createServiceTable, getItem } from '../support/tables';

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

  it('names a bad catalog entry', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seed-')), 'bad.json');
    fs.writeFileSync(file, JSON.stringify([{ sku: 'A', unitPrice: 1, stock: -1 }]));
    expect(() => readProducts(file)).toThrow(`${file}[0] (A): stock must be a non-negative integer, got -1`);
  });
});
