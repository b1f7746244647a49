import fc from 'fast-check';
import { compileInputTransformer } from '../../local/eventbridge/input-transformer';
import { parseJsonPath, valueAt } from '../../local/eventbridge/json-path';

/**
 * Properties of input transformation (eb-transform-target-input.html, and the answers AWS recorded in
 * localstack's test_events_inputs.py): a placeholder outside quotes in a JSON template takes the value
 * as JSON (strings quoted, a missing path as ""), inside a string template it takes the value as text.
 */
const context = { ruleArn: 'arn:aws:events:us-east-1:111111111111:rule/r', ruleName: 'r', ingestionTime: '2024-01-01T00:00:00Z' };
const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('input transformer properties', () => {
  it('puts a value as JSON where a JSON template has its placeholder outside quotes', () => {
    fc.assert(
      fc.property(fc.option(json, { nil: undefined }), (value) => {
        // Prepare
        const transform = compileInputTransformer('t', { InputPathsMap: { v: '$.detail.v' }, InputTemplate: '{"k": <v>}' });
        const event = { detail: value === undefined ? {} : { v: value } };

        // Act
        const output = JSON.parse(transform(event, context)) as { k: unknown };

        // Assess
        expect(output.k).toEqual(value === undefined ? '' : value);
      }),
    );
  });

  it('puts a string as its text inside a string template', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const transform = compileInputTransformer('t', { InputPathsMap: { v: '$.detail.v' }, InputTemplate: '"value: <v>"' });
        expect(JSON.parse(transform({ detail: { v: value } }, context))).toBe(`value: ${value}`);
      }),
    );
  });

  it('refuses a template whose placeholder is neither mapped nor predefined', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), (name) => {
        fc.pre(name !== 'v');
        expect(() => compileInputTransformer('t', { InputPathsMap: { v: '$.detail' }, InputTemplate: `"<${name}>"` })).toThrow(
          `InputTemplate for target t contains invalid placeholder ${name}.`,
        );
      }),
    );
  });

  it('reads a JSON path as the steps it names, and a wildcard as every member in order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: json }), { maxLength: 4 }), fc.nat(5), (items, index) => {
        const event = { detail: { items } };
        expect(valueAt(event, parseJsonPath('$.detail.items[*].id')!)).toEqual(items.map((item) => item.id));
        expect(valueAt(event, parseJsonPath(`$.detail.items[${index}].id`)!)).toEqual(items[index]?.id);
      }),
    );
  });
});
