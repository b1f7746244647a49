import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isResourceSpecLoaded, replacementProperties, requiresRecreation, resourceTypeSpec } from '../../local/cloudformation/resource-spec';
import { propertiesValidationFailure, validateResource, validateTemplate } from '../../local/cloudformation/spec-validation';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };

/** The app's templates as `cdk synth` writes them (the run's bundled assembly, see global-setup.ts). */
function appTemplates(): Map<string, Template> {
  const directory = process.env['TEST_ASSEMBLY']!;
  const files = fs.readdirSync(directory).filter((file) => file.endsWith('.template.json'));
  return new Map(files.map((file) => [file.replace('.template.json', ''), JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8')) as Template]));
}

// Read before any test touches the specification: importing the validator must not load it.
const loadedAtImport = isResourceSpecLoaded();
const templates = appTemplates();
const resources = [...templates.values()].flatMap((template) => Object.entries(template.Resources));
/** One resource of each type the app uses, with properties (AWS::CDK::Metadata has none to check). */
const oneOfEachType = [...new Map(resources.filter(([, r]) => r.Properties !== undefined).map(([id, r]) => [r.Type, { id, resource: r }])).values()];
const clone = <T>(value: T): T => structuredClone(value);

describe('resource properties checked against AWS\'s resource specification', () => {
  it('loads the specification on first use, not when the module is imported (the fast boot never pays for it)', () => {
    expect(loadedAtImport).toBe(false);
    validateResource('AWS::SQS::Queue', {});
    expect(isResourceSpecLoaded()).toBe(true);
  });

  it('passes every resource of every template the app synthesizes, each type it uses', () => {
    // Prepare: the types the shop deploys (a guard that the app still uses what this test means to cover).
    const types = oneOfEachType.map(({ resource }) => resource.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::Events::Rule', 'AWS::IAM::Role']));

    // Act
    const problems = resources.map(([id, r]) => ({ id, problems: validateResource(r.Type, r.Properties) })).filter((r) => r.problems.length > 0);
    const whole = [...templates.values()].map((template) => validateTemplate(template));

    // Assess
    expect(problems).toEqual([]);
    expect(whole).toEqual(whole.map(() => ({ failures: [] })));
  });

  it('refuses an unknown property, naming it', () => {
    const problems = validateResource('AWS::SQS::Queue', { QueueName: 'orders', VisiblityTimeout: 30 });
    expect(problems).toEqual([{ kind: 'unsupported-property', path: '#', property: 'VisiblityTimeout', message: '#: extraneous key [VisiblityTimeout] is not permitted' }]);
  });

  it('refuses a value of the wrong type, naming the property, the type expected and the one found', () => {
    expect(validateResource('AWS::SQS::Queue', { VisibilityTimeout: [30] })).toEqual([
      { kind: 'wrong-type', path: '#/VisibilityTimeout', property: 'VisibilityTimeout', message: '#/VisibilityTimeout: expected type: Integer, found: JSONArray' },
    ]);
    expect(validateResource('AWS::Events::Rule', { Targets: { Id: 't', Arn: 'arn' } })[0]?.message).toBe('#/Targets: expected type: JSONArray, found: JSONObject');
    expect(validateResource('AWS::SQS::Queue', { QueueName: ['a'] })[0]?.message).toBe('#/QueueName: expected type: String, found: JSONArray');
  });

  it('refuses a missing required property, at the top and inside a property', () => {
    expect(validateResource('AWS::Lambda::Function', { Code: { ZipFile: 'x' } })).toEqual([{ kind: 'missing-required', path: '#', property: 'Role', message: '#: required key [Role] not found' }]);
    expect(validateResource('AWS::SQS::Queue', { Tags: [{ Key: 'app' }] })).toEqual([
      { kind: 'missing-required', path: '#/Tags/0', property: 'Value', message: '#/Tags/0: required key [Value] not found' },
    ]);
  });

  it('converts primitives as CloudFormation does, and leaves values still to be resolved unchecked', () => {
    expect(validateResource('AWS::SQS::Queue', { VisibilityTimeout: '30', FifoQueue: 'true', QueueName: 42 })).toEqual([]);
    expect(validateResource('AWS::SQS::Queue', { VisibilityTimeout: 'thirty' })[0]?.message).toBe('#/VisibilityTimeout: expected type: Integer, found: String');
    expect(validateResource('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { Ref: 'Code' }, Layers: { 'Fn::Split': [',', 'a,b'] } })).toEqual([]);
    // Resolved to nothing (Ref AWS::NoValue): absent, so a required one is missing.
    expect(validateResource('AWS::Lambda::Function', { Role: 'arn', Code: { ZipFile: 'x' }, Timeout: undefined })).toEqual([]);
    expect(validateResource('AWS::Lambda::Function', { Role: undefined, Code: { ZipFile: 'x' } })[0]?.message).toBe('#: required key [Role] not found');
  });

  it('refuses a type CloudFormation does not have, in its words; accepts custom resources and CDK metadata', () => {
    expect(validateResource('AWS::SQS::Queues', {})).toEqual([{ kind: 'unrecognized-type', path: '#', message: 'Template format error: Unrecognized resource types: [AWS::SQS::Queues]' }]);
    expect(validateResource('Custom::Seed', { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:seed', Anything: { goes: true } })).toEqual([]);
    expect(validateResource('Custom::Seed', {})[0]?.message).toBe('#: required key [ServiceToken] not found');
    expect(validateResource('AWS::CDK::Metadata', { Analytics: 'v2:deflate64:...' })).toEqual([]);
  });

  it('words a failing resource\'s reason as its CREATE_FAILED stack event does', () => {
    const problems = validateResource('AWS::SSM::Parameter', { Value: 'abc' });
    expect(propertiesValidationFailure('MyParameter', problems)).toBe('Properties validation failed for resource MyParameter with message: #: required key [Type] not found');
  });

  describe('a broken template is refused before anything is created', () => {
    it('fails each broken resource with its reason, and only those', () => {
      // Prepare: the app's Orders stack, three resources broken three ways.
      const template = clone(templates.get('Shop-dev-Orders')!);
      const byType = (type: string) => Object.entries(template.Resources).find(([, r]) => r.Type === type)!;
      const [fnId, fn] = byType('AWS::Lambda::Function');
      const [queueId, queue] = byType('AWS::SQS::Queue');
      const [tableId, table] = byType('AWS::DynamoDB::Table');
      delete fn.Properties!['Role'];
      queue.Properties!['MessageRetentionPeriod'] = { days: 4 };
      table.Properties!['BillingMod'] = 'PAY_PER_REQUEST';

      // Act
      const validation = validateTemplate(template);

      // Assess
      expect(validation.templateError).toBeUndefined();
      expect(validation.failures.map((f) => [f.logicalId, f.reason])).toEqual(
        expect.arrayContaining([
          [fnId, `Properties validation failed for resource ${fnId} with message: #: required key [Role] not found`],
          [queueId, `Properties validation failed for resource ${queueId} with message: #/MessageRetentionPeriod: expected type: Integer, found: JSONObject`],
          [tableId, `Properties validation failed for resource ${tableId} with message: #: extraneous key [BillingMod] is not permitted`],
        ]),
      );
      expect(validation.failures).toHaveLength(3);
    });

    it('refuses the whole template for unknown types, each named once, before looking at properties', () => {
      const template = clone(templates.get('Shop-dev-Orders')!);
      template.Resources['Extra1'] = { Type: 'AWS::Lambda::Functions', Properties: {} };
      template.Resources['Extra2'] = { Type: 'AWS::Lambda::Functions' };
      template.Resources['Extra3'] = { Type: 'Acme::Widget::Thing' };
      expect(validateTemplate(template)).toEqual({ templateError: 'Template format error: Unrecognized resource types: [AWS::Lambda::Functions, Acme::Widget::Thing]', failures: [] });
    });

    it('refuses a template without resources or with a resource without a Type, as CloudFormation words it', () => {
      expect(validateTemplate({ Resources: {} }).templateError).toBe('Template format error: At least one Resources member must be defined.');
      expect(validateTemplate({ Resources: { A: { Properties: {} } } }).templateError).toBe('Template format error: [/Resources/A] Every Resources object must contain a Type member.');
    });

    it('does not check a resource that will not be created (its Condition is false)', () => {
      const template = { Resources: { Off: { Type: 'AWS::SQS::Queue', Condition: 'Never', Properties: { Nope: 1 } } } };
      expect(validateTemplate(template, (id) => id !== 'Off').failures).toEqual([]);
      expect(validateTemplate(template).failures).toHaveLength(1);
    });
  });

  describe('properties of any kind (property tests over the app\'s resources)', () => {
    const withRequired = oneOfEachType.flatMap(({ id, resource }) =>
      Object.entries(resourceTypeSpec(resource.Type)?.properties ?? {})
        .filter(([name, property]) => property.required === true && name in resource.Properties!)
        .map(([name]) => ({ id, resource, name })),
    );

    it('reports every required property removed from a valid resource, and nothing else', () => {
      expect(withRequired.length).toBeGreaterThan(5);
      fc.assert(
        fc.property(fc.constantFrom(...withRequired), ({ resource, name }) => {
          const properties = clone(resource.Properties!);
          delete properties[name];
          expect(validateResource(resource.Type, properties)).toEqual([{ kind: 'missing-required', path: '#', property: name, message: `#: required key [${name}] not found` }]);
        }),
      );
    });

    it('reports any property the type does not have, and nothing else', () => {
      const unknownName = fc.stringMatching(/^[A-Z][A-Za-z]{2,20}$/);
      fc.assert(
        fc.property(fc.constantFrom(...oneOfEachType), unknownName, fc.jsonValue(), ({ resource }, name, value) => {
          fc.pre(!(name in (resourceTypeSpec(resource.Type)?.properties ?? {})));
          const problems = validateResource(resource.Type, { ...resource.Properties, [name]: value });
          expect(problems).toEqual([{ kind: 'unsupported-property', path: '#', property: name, message: `#: extraneous key [${name}] is not permitted` }]);
        }),
      );
    });

    it('accepts any property of a valid resource replaced by an intrinsic function', () => {
      const intrinsic = fc.oneof(fc.record({ Ref: fc.string() }), fc.record({ 'Fn::GetAtt': fc.tuple(fc.string(), fc.string()) }), fc.record({ 'Fn::ImportValue': fc.string() }));
      const someProperty = fc.constantFrom(...oneOfEachType.flatMap(({ resource }) => Object.keys(resource.Properties!).map((name) => ({ resource, name }))));
      fc.assert(
        fc.property(someProperty, intrinsic, ({ resource, name }, value) => {
          expect(validateResource(resource.Type, { ...resource.Properties, [name]: value })).toEqual([]);
        }),
      );
    });
  });
});

describe('which property changes replace a resource (for change sets and updates)', () => {
  it('names the properties whose change recreates the resource, as the specification marks them', () => {
    expect(requiresRecreation('AWS::SQS::Queue', 'QueueName')).toBe('Always');
    expect(requiresRecreation('AWS::SQS::Queue', 'FifoQueue')).toBe('Always');
    expect(requiresRecreation('AWS::SQS::Queue', 'VisibilityTimeout')).toBe('Never');
    expect(requiresRecreation('AWS::Lambda::Function', ['Code', 'S3Key'])).toBe('Never');
    expect(requiresRecreation('AWS::DynamoDB::Table', 'KeySchema')).toBe('Always');
    expect(replacementProperties('AWS::Lambda::Function').always).toEqual(expect.arrayContaining(['FunctionName', 'PackageType']));
    expect(replacementProperties('AWS::Events::Rule').always).toEqual(expect.arrayContaining(['Name', 'EventBusName']));
  });

  it('treats a type or property the specification does not know as updatable in place', () => {
    expect(requiresRecreation('AWS::SQS::Queues', 'QueueName')).toBe('Never');
    expect(requiresRecreation('AWS::SQS::Queue', 'Nope')).toBe('Never');
    expect(replacementProperties('Custom::Seed')).toEqual({ always: [], conditionally: [] });
  });
});
