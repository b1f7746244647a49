import { RemovalPolicy } from 'aws-cdk-lib';

/** A deployment stage (dev, prod, ...), read from CDK context: `cdk deploy -c stage=prod`. */
export interface Stage {
  readonly name: string;
  /** Production keeps its data when a stack is deleted; other stages clean up after themselves. */
  readonly removalPolicy: RemovalPolicy;
}

export function stageFromContext(value: unknown): Stage {
  const name = value === undefined ? 'dev' : String(value);
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(name)) {
    throw new Error(`stage must be lowercase letters, digits and dashes (at most 16), got "${name}"`);
  }
  return { name, removalPolicy: name === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY };
}
