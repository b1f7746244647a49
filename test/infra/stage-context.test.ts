import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { stageFromContext, type Stage } from '../../infra/stacks/stage';

/** The stage for this context, as `app.node.tryGetContext` would give it. */
const stage = (context: Record<string, unknown>): Stage => stageFromContext((key) => context[key]);

describe('the stage from CDK context', () => {
  it('is dev by default: cleans up, no deletion protection, short retention, no approval', () => {
    const dev = stage({});
    expect(dev).toMatchObject({
      name: 'dev',
      production: false,
      removalPolicy: RemovalPolicy.DESTROY,
      tables: { deletionProtection: false, pointInTimeRecovery: true },
      deadLetterQueueRemovalPolicy: RemovalPolicy.DESTROY,
      archive: { removalPolicy: RemovalPolicy.DESTROY },
      logRetention: logs.RetentionDays.ONE_WEEK,
      alarms: { emails: [] },
      deployApproval: 'never',
    });
    expect(dev.archive.retention.toDays()).toBe(7);
  });

  it('makes prod keep its data and ask before deploying', () => {
    const prod = stage({ stage: 'prod', alarmEmail: 'ops@example.com' });
    expect(prod).toMatchObject({
      name: 'prod',
      production: true,
      removalPolicy: RemovalPolicy.RETAIN,
      tables: { deletionProtection: true, pointInTimeRecovery: true },
      deadLetterQueueRemovalPolicy: RemovalPolicy.RETAIN,
      archive: { removalPolicy: RemovalPolicy.RETAIN },
      logRetention: logs.RetentionDays.ONE_YEAR,
      alarms: { emails: ['ops@example.com'] },
      deployApproval: 'broadening',
    });
    expect(prod.archive.retention.toDays()).toBe(90);
  });

  it('takes a bare stage name, as tests do', () => {
    expect(stageFromContext('qa')).toEqual(stage({ stage: 'qa' }));
  });

  it('refuses prod with nobody to page, saying how to name someone', () => {
    expect(() => stage({ stage: 'prod' })).toThrow('stage "prod" needs someone its alarms reach: pass -c alarmEmail=ops@example.com (comma-separated for several) or set "stages": { "prod": { "alarmEmails": [...] } } in cdk.json');
  });

  it('takes addresses from -c alarmEmail (comma-separated) and from the stage-keyed settings, once each', () => {
    const context = {
      stage: 'qa',
      alarmEmail: 'a@example.com, b@example.com',
      stages: { qa: { alarmEmails: ['b@example.com', 'c@example.com'], logRetentionDays: 30, archiveRetentionDays: 14 }, prod: { alarmEmails: ['ops@example.com'] } },
    };
    const qa = stage(context);
    expect(qa.alarms.emails).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect([qa.logRetention, qa.archive.retention.toDays(), qa.production]).toEqual([logs.RetentionDays.ONE_MONTH, 14, false]);
    // cdk.json can name prod's on-call once; the command line then needs only the stage.
    expect(stage({ ...context, stage: 'prod', alarmEmail: undefined }).alarms.emails).toEqual(['ops@example.com']);
  });

  it('reads the stage-keyed settings from their JSON too (-c stages=...)', () => {
    expect(stage({ stage: 'prod', stages: '{"prod":{"alarmEmails":["ops@example.com"],"logRetentionDays":731}}' }).logRetention).toBe(logs.RetentionDays.TWO_YEARS);
  });

  it.each([
    [{ stage: 'Prod Env' }, 'stage must be lowercase letters, digits and dashes (at most 16), got "Prod Env"'],
    [{ alarmEmail: 'ops@example.com,oncall' }, 'alarmEmail: not an e-mail address: "oncall"'],
    [{ alarmEmail: 42 }, 'alarmEmail must be addresses separated by commas, got 42'],
    [{ stages: '{prod' }, 'stages must be an object keyed by stage name (or its JSON), got "{prod"'],
    [{ stages: ['prod'] }, 'stages must be an object keyed by stage name, got ["prod"]'],
    [{ stages: { Prod: {} } }, 'stage must be lowercase letters, digits and dashes (at most 16), got "Prod"'],
    [{ stages: { prod: 'ops@example.com' } }, 'stages.prod must be an object, got "ops@example.com"'],
    [{ stages: { prod: { alarmEmail: 'ops@example.com' } } }, 'stages.prod: unknown setting "alarmEmail" (settings: alarmEmails, logRetentionDays, archiveRetentionDays)'],
    [{ stages: { prod: { alarmEmails: 'ops@example.com' } } }, 'stages.prod.alarmEmails must be a list of addresses, got "ops@example.com"'],
    [{ stages: { prod: { alarmEmails: ['ops@example.com', 'ops'] } } }, 'stages.prod.alarmEmails[1]: not an e-mail address: "ops"'],
    [{ stages: { dev: { logRetentionDays: 10 } } }, 'stages.dev.logRetentionDays must be one of CloudWatch Logs\' periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 10'],
    [{ stages: { dev: { archiveRetentionDays: 1.5 } } }, 'stages.dev.archiveRetentionDays must be a whole number of days, at least 1, got 1.5'],
  ])('refuses %j, naming the bad value', (context, message) => {
    expect(() => stage(context)).toThrow(message);
  });

  it('checks every stage\'s settings, not only the one deployed: a typo in prod fails a dev synth', () => {
    expect(() => stage({ stage: 'dev', stages: { prod: { logRetentionDays: 0 } } })).toThrow(/^stages\.prod\.logRetentionDays must be one of/);
  });
});
