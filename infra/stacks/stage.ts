import { RemovalPolicy } from 'aws-cdk-lib';

/** A deployment stage (dev, prod, ...), read from CDK context: `cdk deploy -c stage=prod`. */
export interface Stage {
  readonly name: string;
  /** Production keeps its data when a stack is deleted; other stages clean up after themselves. */
  readonly removalPolicy: RemovalPolicy;
}

/** How `cdk deploy` asks before changing a stage: the CLI's `--require-approval` values. */
export type DeployApproval = 'never' | 'broadening' | 'any-change';

/** The stage's name, checked: it is part of every stack name. */
export function stageName(value: unknown): string {
  const name = value === undefined ? 'dev' : String(value);
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(name)) {
    throw new Error(`stage must be lowercase letters, digits and dashes (at most 16), got "${name}"`);
  }
  return name;
}

/** How `npm run deploy` deploys a stage: production asks before widening permissions or network access. */
export function deployApprovalOf(name: string): DeployApproval {
  return name === 'prod' ? 'broadening' : 'never';
}

export function stageFromContext(value: unknown): Stage {
  const name = stageName(value);
  return { name, removalPolicy: name === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY };
}
