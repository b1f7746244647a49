import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildShop } from '../../infra/shop';
import { stageFromContext } from '../../infra/stacks/stage';
import { appContext, resourcesOf, synthShop } from '../support/synth';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the shop', () => {
    const app = new App({ context: appContext() });
    buildShop(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on an unacknowledged finding (the check above can fail)', () => {
    const app = new App({ context: appContext() });
    new sqs.Queue(new Stack(app, 'Bad'), 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('stages', () => {
  it('destroys dev tables with the stack', () => {
    const { templates } = synthShop({ stage: 'dev' });
    const tables = resourcesOf(templates.get('Shop-dev-Orders')!, 'AWS::DynamoDB::Table') as Record<string, { DeletionPolicy?: string }>;
    // The service's table and its failure table.
    expect(Object.values(tables).map((t) => t.DeletionPolicy)).toEqual(['Delete', 'Delete']);
  });

  it('retains prod tables, with point-in-time recovery, under prod stack names', () => {
    const { templates } = synthShop({ stage: 'prod' });
    expect([...templates.keys()]).toContain('Shop-prod-Orders');
    for (const [name, template] of templates) {
      for (const table of Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')) as Array<{ DeletionPolicy?: string; Properties: Record<string, unknown> }>) {
        expect([name, table.DeletionPolicy]).toEqual([name, 'Retain']);
        expect(table.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      }
    }
  });

  it('rejects a malformed stage, quoting it', () => {
    expect(() => stageFromContext('Prod Env')).toThrow('stage must be lowercase letters, digits and dashes (at most 16), got "Prod Env"');
  });
});
