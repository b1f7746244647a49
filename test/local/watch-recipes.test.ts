import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE_METADATA_TYPE as INFRA_TYPE, esbuildOptions } from '../../infra/constructs/function-bundling';
import type { LocalFunction } from '../../local/lambda/lambda-service';
import type { SandboxConfig } from '../../local/lambda/sandbox';
import { BUNDLE_METADATA_TYPE, readBundleRecipes } from '../../local/watch/bundle-metadata';
import { inspectFunctions, inspectRequests } from '../../local/watch/inspect';

/** What live reload reads from a cloud assembly, and how `--inspect` picks functions: the messages for bad input. */
let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-recipes-'));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

function assembly(metadata: Record<string, Array<{ type: string; data?: unknown }>>, inManifest = false): string {
  const stack = { type: 'aws:cloudformation:stack', properties: { stackName: 'Shop-dev-Orders' }, ...(inManifest ? { metadata } : { additionalMetadataFile: 'Shop-dev-Orders.metadata.json' }) };
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ artifacts: { 'Shop-dev-Orders': stack } }));
  if (!inManifest) fs.writeFileSync(path.join(folder, 'Shop-dev-Orders.metadata.json'), JSON.stringify(metadata));
  return folder;
}

const logicalId = (id: string) => ({ type: 'aws:cdk:logicalId', data: id });

it('is the metadata type the CDK construct writes', () => {
  expect(BUNDLE_METADATA_TYPE).toBe(INFRA_TYPE);
});

it.each([false, true])('reads a function resource\'s recipe, from the stack\'s metadata file or its manifest entry (in manifest: %s)', (inManifest) => {
  // Prepare
  const options = esbuildOptions();
  const dir = assembly({ '/Shop-dev-Orders/RecordOrder/Function/Resource': [logicalId('RecordOrderFunction71599B94'), { type: BUNDLE_METADATA_TYPE, data: { entry: '../functions/orders/record-order.ts', options } }] }, inManifest);

  // Act
  const { recipes, problems } = readBundleRecipes(dir);

  // Assess
  expect(problems).toEqual([]);
  expect(recipes).toEqual([
    { stackName: 'Shop-dev-Orders', logicalId: 'RecordOrderFunction71599B94', constructPath: '/Shop-dev-Orders/RecordOrder/Function/Resource', entry: path.resolve(folder, '..', 'functions', 'orders', 'record-order.ts'), options },
  ]);
});

it('names a recipe it cannot use and why', () => {
  // Prepare
  const dir = assembly({
    '/Shop-dev-Orders/A/Resource': [{ type: BUNDLE_METADATA_TYPE, data: { entry: 'a.ts', options: {} } }],
    '/Shop-dev-Orders/B/Resource': [logicalId('B'), { type: BUNDLE_METADATA_TYPE, data: { entry: 7, options: {} } }],
    '/Shop-dev-Orders/C/Resource': [logicalId('C'), { type: BUNDLE_METADATA_TYPE, data: { entry: 'c.ts', options: { minify: true, plugins: [], outdir: '/' } } }],
  });

  // Act
  const { recipes, problems } = readBundleRecipes(dir);

  // Assess
  expect(recipes).toEqual([]);
  expect(problems).toEqual([
    `/Shop-dev-Orders/A/Resource: ${BUNDLE_METADATA_TYPE} must be { entry: string, options: object } on a resource with a logical id`,
    `/Shop-dev-Orders/B/Resource: ${BUNDLE_METADATA_TYPE} must be { entry: string, options: object } on a resource with a logical id`,
    expect.stringMatching(/^\/Shop-dev-Orders\/C\/Resource: esbuild options plugins, outdir cannot be used to rebuild \(allowed: bundle, /),
  ]);
});

describe('--inspect', () => {
  const fn = (name: string) => ({ name, config: { functionName: name } }) as unknown as LocalFunction;
  const functions = [fn('Shop-dev-Orders-RecordOrderFunction71599B94-1'), fn('Shop-dev-Orders-UpdateOrderStatusFunction0C9D2F3E-2'), fn('Shop-dev-Orders-OrdersRelayFunctionA5929404-3')];
  const lambda = () => {
    const given: Array<{ name: string; config: Omit<SandboxConfig, 'onLog'> }> = [];
    return { given, all: () => functions, reconfigure: (f: LocalFunction, config: Omit<SandboxConfig, 'onLog'>) => given.push({ name: f.name, config }) };
  };

  it('takes repeated options and comma lists, and gives each function its port in order', () => {
    // Prepare
    const target = lambda();

    // Act
    const inspected = inspectFunctions(target, inspectRequests({ inspect: ['recordorder, updateorder'], 'inspect-wait': ['OrdersRelay'] }), 9229);

    // Assess
    expect(inspected.map((i) => [i.function.split('-')[3], i.port, i.mode])).toEqual([
      ['RecordOrderFunction71599B94', 9229, 'inspect'],
      ['UpdateOrderStatusFunction0C9D2F3E', 9230, 'inspect'],
      ['OrdersRelayFunctionA5929404', 9231, 'inspect-wait'],
    ]);
    expect(target.given.map((g) => g.config.inspector)).toEqual([
      { port: 9229, mode: 'inspect' },
      { port: 9230, mode: 'inspect' },
      { port: 9231, mode: 'inspect-wait' },
    ]);
  });

  it('refuses a name that matches no function, or several, listing the candidates', () => {
    expect(() => inspectFunctions(lambda(), [{ selector: 'payments', mode: 'inspect' }], 9229)).toThrow(
      '--inspect payments: no deployed function\'s name contains it; the functions: Shop-dev-Orders-OrdersRelayFunctionA5929404-3, Shop-dev-Orders-RecordOrderFunction71599B94-1, Shop-dev-Orders-UpdateOrderStatusFunction0C9D2F3E-2',
    );
    expect(() => inspectFunctions(lambda(), [{ selector: 'order', mode: 'inspect' }], 9229)).toThrow(/^--inspect order: 3 functions' names contain it, name one: /);
  });
});
