import { contextArgument, deployArguments } from '../../scripts/deploy';

describe('npm run deploy: approval by stage', () => {
  it('deploys a development stage without asking', () => {
    expect(deployArguments([], 'dev')).toEqual({ stage: 'dev', cdk: ['deploy', '--all', '--require-approval', 'never', '--outputs-file', 'cdk-outputs.json'] });
  });

  it('asks before broadening changes in prod, keeping the arguments given', () => {
    expect(deployArguments(['-c', 'stage=prod', '-c', 'alarmEmail=ops@example.com'], 'dev')).toEqual({
      stage: 'prod',
      cdk: ['deploy', '--all', '--require-approval', 'broadening', '--outputs-file', 'cdk-outputs.json', '-c', 'stage=prod', '-c', 'alarmEmail=ops@example.com'],
    });
    expect(deployArguments(['--context=stage=prod'], 'dev').cdk).toContain('broadening');
    expect(deployArguments(['--context', 'stage=prod'], 'dev').cdk).toContain('broadening');
  });

  it('refuses to skip approval in prod; a stricter approval given is kept', () => {
    expect(() => deployArguments(['-c', 'stage=prod', '--require-approval', 'never'], 'dev')).toThrow('stage "prod" is deployed with approval (broadening); remove --require-approval never');
    expect(() => deployArguments(['--require-approval=never'], 'prod')).toThrow(/remove --require-approval never/);
    expect(deployArguments(['-c', 'stage=prod', '--require-approval', 'any-change'], 'dev').cdk).toEqual(['deploy', '--all', '--outputs-file', 'cdk-outputs.json', '-c', 'stage=prod', '--require-approval', 'any-change']);
  });

  it('reads the stage as the CLI does: the last -c wins, cdk.json otherwise', () => {
    expect(contextArgument(['-c', 'stage=prod', '-c', 'stage=qa'], 'stage')).toBe('qa');
    expect(contextArgument(['-c', 'stages={}'], 'stage')).toBeUndefined();
    expect(deployArguments([], 'prod').stage).toBe('prod');
    expect(() => deployArguments(['-c', 'stage=Prod'], 'dev')).toThrow('stage must be lowercase letters, digits and dashes (at most 16), got "Prod"');
  });
});
