import type { ProviderContext, ResourceProvider } from '../cloudformation/provider';

/**
 * `AWS::S3::Bucket`: a bucket of the local S3 (the CDK bootstrap's asset bucket); Ref is its name.
 * Configuration (encryption, versioning, lifecycle, policies) is recorded only. Deleting a bucket
 * that holds objects fails, as on AWS. Without S3 the bucket is only recorded.
 */
export const bucketProvider: ResourceProvider = {
  type: 'AWS::S3::Bucket',
  replaceOn: ['BucketName', 'ObjectLockEnabled', 'BucketNamespace', 'BucketNamePrefix'],
  async create(_logicalId, properties, ctx) {
    const name = (properties['BucketName'] as string | undefined) ?? generatedBucketName(ctx);
    ctx.s3?.createBucket(name);
    return { physicalId: name, attributes: attributesOf(name, ctx) };
  },
  async update(physicalId, _previous, _next, ctx) {
    return { physicalId, attributes: attributesOf(physicalId, ctx) };
  },
  async delete(physicalId, _properties, ctx) {
    if (ctx.s3?.hasBucket(physicalId)) ctx.s3.deleteBucket(physicalId);
  },
};

/** Bucket names are lower case, 3 to 63 characters, no underscores. */
function generatedBucketName(ctx: ProviderContext): string {
  return ctx.generatedName(63).toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, 'b').replace(/[^a-z0-9]+$/, '');
}

function attributesOf(name: string, { region }: ProviderContext): Record<string, unknown> {
  return {
    Arn: `arn:aws:s3:::${name}`,
    DomainName: `${name}.s3.amazonaws.com`,
    RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
    DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
    WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
  };
}
