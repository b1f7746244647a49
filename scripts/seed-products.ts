/**
 * `npm run seed -- [--outputs cdk-outputs.json | --table NAME] [--endpoint URL] [--file data/products.json]`
 * Loads the product catalog with its stock levels into the inventory table of any target: AWS
 * (no endpoint), LocalStack or the local cloud (an endpoint), found through the deploy outputs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** Writes each product's stock item (available = stock, nothing reserved), 25 per BatchWriteItem. */
export async function seedProducts(client: DynamoDBDocumentClient, tableName: string, products: readonly Product[]): Promise<number> {
  for (let i = 0; i < products.length; i += 25) {
    let requests = products.slice(i, i + 25).map((p) => ({
      PutRequest: { Item: { pk: `SKU#${p.sku}`, sk: 'STOCK', sku: p.sku, name: p.name, unitPrice: p.unitPrice, available: p.stock, reserved: 0, initialStock: p.stock } },
    }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      if (requests.length > 0 && attempt >= 8) throw new Error(`${requests.length} products were still unprocessed after ${attempt} attempts`);
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
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
