/**
 * `npm run seed -- [--outputs cdk-outputs.json | --table NAME] [--endpoint URL] [--file data/products.json]`
 * Loads the product catalog with its stock levels into the inventory table of any target: AWS
 * (no endpoint), LocalStack or the local cloud (an endpoint), found through the deploy outputs.
 * Safe on a live table: stock reserved by orders in flight is kept (see seedProducts).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { clientConfig } from './client-config';

export interface Product {
  sku: string;
  name: string;
  unitPrice: number;
  stock: number;
}

/** Reads and checks the catalog file; a bad entry is an error naming it. */
export function readProducts(file: string): Product[] {
  const products = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(products)) throw new Error(`${file} must hold a JSON array of products`);
  return products.map((p: Partial<Product>, i) => {
    if (typeof p.sku !== 'string' || p.sku === '') throw new Error(`${file}[${i}]: sku must be a non-empty string`);
    if (!Number.isInteger(p.stock) || (p.stock as number) < 0) throw new Error(`${file}[${i}] (${p.sku}): stock must be a non-negative integer, got ${JSON.stringify(p.stock)}`);
    if (typeof p.unitPrice !== 'number' || p.unitPrice < 0) throw new Error(`${file}[${i}] (${p.sku}): unitPrice must be a non-negative number`);
    return { sku: p.sku, name: String(p.name ?? p.sku), unitPrice: p.unitPrice, stock: p.stock as number };
  });
}

/** The inventory table's name from a `cdk deploy --outputs-file` file (any stage). */
export function inventoryTableFromOutputs(file: string): string {
  const outputs = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  for (const [stack, values] of Object.entries(outputs)) {
    if (stack.endsWith('-Inventory') && values['InventoryTableName'] !== undefined) return values['InventoryTableName'];
  }
  throw new Error(`${file} has no InventoryTableName output of an *-Inventory stack: deploy the app first`);
}

/** A product whose catalog stock is below what live orders hold reserved: seeding it would oversell. */
export class ReservedStockError extends Error {}

/**
 * Sets each product's catalog data and stock level without touching what live orders hold reserved:
 * one conditional update per product sets `available = stock - reserved`, so the total (available +
 * reserved) becomes the catalog's stock and every reservation stays whole, whether the table is
 * fresh or serving orders. A product whose stock is below its reserved quantity is refused, named.
 */
export async function seedProducts(client: DynamoDBDocumentClient, tableName: string, products: readonly Product[]): Promise<number> {
  const refused: string[] = [];
  const seedOne = async (p: Product) => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `SKU#${p.sku}`, sk: 'STOCK' },
          UpdateExpression:
            'SET sku = :sku, #name = :name, unitPrice = :price, initialStock = :stock, reserved = if_not_exists(reserved, :zero), available = :stock - if_not_exists(reserved, :zero)',
          ConditionExpression: 'attribute_not_exists(reserved) OR reserved <= :stock',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':sku': p.sku, ':name': p.name, ':price': p.unitPrice, ':stock': p.stock, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      refused.push(p.sku);
    }
  };
  // A few at a time: a catalog of hundreds loads in seconds without a burst of throttling.
  for (let i = 0; i < products.length; i += 10) await Promise.all(products.slice(i, i + 10).map(seedOne));
  if (refused.length > 0) {
    throw new ReservedStockError(`stock below what live orders hold reserved, left unchanged: ${refused.join(', ')} (raise their stock in the catalog or wait for the orders)`);
  }
  return products.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { outputs: { type: 'string' }, table: { type: 'string' }, endpoint: { type: 'string' }, file: { type: 'string', default: 'data/products.json' } },
  });
  const tableName = values.table ?? (values.outputs !== undefined ? inventoryTableFromOutputs(values.outputs) : undefined);
  if (tableName === undefined) throw new Error('say where to seed: --outputs cdk-outputs.json or --table NAME');
  const products = readProducts(values.file!);
  const endpoint = values.endpoint ?? process.env['AWS_ENDPOINT_URL'];
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(endpoint)));
  const count = await seedProducts(client, tableName, products);
  process.stdout.write(`seeded ${count} products into ${tableName}${endpoint === undefined ? '' : ` at ${endpoint}`}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
