import fc from 'fast-check';
import { ManualClock } from '../../local/clock';
import { createStackEngine } from '../../local/cloudformation/engine';
import type { ProviderServices, ResourceProvider } from '../../local/cloudformation/provider';

/**
 * Property: whatever the dependency graph (Ref, Fn::GetAtt, DependsOn), the engine creates every
 * resource after what it depends on, and deletes it before what it depends on, so deletion is the
 * reverse of a valid creation order; a failure anywhere rolls back exactly what was created.
 */

/** A provider that records the calls it gets, failing the creation of one logical id when asked. */
function recordingProvider(log: string[], failing: () => string | undefined): ResourceProvider {
  return {
    type: 'Test::Node',
    async create(logicalId) {
      if (failing() === logicalId) throw new Error(`${logicalId} refused`);
      log.push(`create ${logicalId}`);
      return { physicalId: `phys-${logicalId}`, attributes: { Arn: `arn:${logicalId}` } };
    },
    async update(physicalId) {
      return { physicalId, attributes: {} };
    },
    async delete(physicalId) {
      log.push(`delete ${physicalId.slice('phys-'.length)}`);
    },
  };
}

/** A random DAG: node i may depend on any node j < i, by Ref, GetAtt or DependsOn. */
const graphs = fc.integer({ min: 1, max: 12 }).chain((size) =>
  fc.tuple(
    fc.constant(size),
    fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('Ref', 'GetAtt', 'DependsOn')), { maxLength: size * 2 }),
    fc.option(fc.nat(), { nil: undefined }),
  ),
);

function templateOf(size: number, edges: Array<[number, number, string]>) {
  // Logical ids are declared in a shuffled order so the template's own order is not a valid one.
  const resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }> = {};
  const dependencies: Array<Array<[number, string]>> = Array.from({ length: size }, () => []);
  for (const [a, b, kind] of edges) {
    const from = a % size;
    const to = b % size;
    if (to < from) dependencies[from]!.push([to, kind]);
  }
  for (let i = size - 1; i >= 0; i--) {
    const properties: Record<string, unknown> = {};
    const dependsOn: string[] = [];
    dependencies[i]!.forEach(([to, kind], n) => {
      if (kind === 'Ref') properties[`P${n}`] = { Ref: `N${to}` };
      else if (kind === 'GetAtt') properties[`P${n}`] = { 'Fn::GetAtt': [`N${to}`, 'Arn'] };
      else dependsOn.push(`N${to}`);
    });
    resources[`N${i}`] = { Type: 'Test::Node', Properties: properties, ...(dependsOn.length > 0 ? { DependsOn: dependsOn } : {}) };
  }
  return { resources, dependencies };
}

describe('stack engine ordering', () => {
  it('deletes in the reverse of a valid creation order, for any dependency graph', async () => {
    await fc.assert(
      fc.asyncProperty(graphs, async ([size, edges, failAt]) => {
        const log: string[] = [];
        let failing: string | undefined;
        const services = { clock: new ManualClock(), region: 'us-east-1', accountId: '000000000000', endpoint: () => 'http://127.0.0.1', changed: () => undefined, assets: async () => '' } as unknown as ProviderServices;
        const engine = createStackEngine({ ...services, providers: [recordingProvider(log, () => failing)], acceptedTypes: [], validate: false });
        const { resources, dependencies } = templateOf(size, edges);
        const position = (verb: string, i: number) => log.indexOf(`${verb} N${i}`);

        failing = failAt === undefined ? undefined : `N${failAt % size}`;
        await engine.apply({ stackName: 'Graph', templateBody: JSON.stringify({ Resources: resources }), parameters: {} });
        await engine.idle();
        const stack = engine.get('Graph')!;
        if (failing !== undefined) {
          // Rolled back: everything created was deleted, dependents first.
          expect(stack.status).toBe('ROLLBACK_COMPLETE');
          expect(log.includes(`create ${failing}`)).toBe(false);
        } else {
          expect(stack.status).toBe('CREATE_COMPLETE');
          await engine.delete('Graph');
          await engine.idle();
          expect(engine.get(stack.stackId)!.status).toBe('DELETE_COMPLETE');
        }
        const created = log.filter((l) => l.startsWith('create ')).map((l) => l.slice(7));
        const deleted = log.filter((l) => l.startsWith('delete ')).map((l) => l.slice(7));
        expect(deleted).toEqual([...created].reverse());
        dependencies.forEach((targets, from) => {
          for (const [to] of targets) {
            if (position('create', from) < 0) continue;
            expect(position('create', to)).toBeLessThan(position('create', from));
            expect(position('delete', from)).toBeLessThan(position('delete', to));
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});
