import {
  AbortMultipartUploadCommand,
  type BucketLocationConstraint,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { localCloudWithClients } from '../support/local-cloud';

/** S3 through the endpoint with the AWS SDK v3, as the CDK CLI and a user's scripts call it. */
let env: Awaited<ReturnType<typeof localCloudWithClients>>;
let s3: S3Client;
let counter = 0;

beforeAll(async () => {
  env = await localCloudWithClients();
  s3 = new S3Client({ ...env.config, forcePathStyle: true });
});
afterAll(async () => {
  s3.destroy();
  await env.cloud.stop();
});

async function bucket(): Promise<string> {
  const name = `bucket-${++counter}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** The S3 error a call fails with: its code, status and the fields S3 adds. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string; fields: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    const { name, message, $metadata, $fault, $response, $retryable, ...fields } = error as S3ServiceException & Record<string, unknown>;
    return { name, status: $metadata.httpStatusCode, message, fields: Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'RequestId' && k !== 'HostId' && k !== 'Code' && k !== 'stack')) };
  }
  throw new Error('expected the call to fail');
}

describe('S3 buckets', () => {
  it('creates, heads, locates, lists and deletes a bucket', async () => {
    // Prepare
    const name = await bucket();
    await s3.send(new CreateBucketCommand({ Bucket: `${name}-eu`, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));

    // Act
    const head = await s3.send(new HeadBucketCommand({ Bucket: name }));
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: name }));
    const euLocation = await s3.send(new GetBucketLocationCommand({ Bucket: `${name}-eu` }));
    const listed = await s3.send(new ListBucketsCommand({}));
    await s3.send(new DeleteBucketCommand({ Bucket: `${name}-eu` }));

    // Assess
    expect(head.BucketRegion).toBe('us-east-1');
    expect(location.LocationConstraint).toBeUndefined();
    expect(euLocation.LocationConstraint).toBe('eu-west-1');
    expect(listed.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining([name, `${name}-eu`]));
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: `${name}-eu` })))).status).toBe(404);
  });

  it('answers a second CreateBucket in us-east-1 again, and BucketAlreadyOwnedByYou for a bucket elsewhere', async () => {
    const name = await bucket();
    await expect(s3.send(new CreateBucketCommand({ Bucket: name }))).resolves.toBeDefined();
    await s3.send(new CreateBucketCommand({ Bucket: `${name}-w`, CreateBucketConfiguration: { LocationConstraint: 'us-west-1' } }));

    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: `${name}-w`, CreateBucketConfiguration: { LocationConstraint: 'us-west-1' } })))).toEqual({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      message: 'Your previous request to create the named bucket succeeded and you already own it.',
      fields: { BucketName: `${name}-w` },
    });
  });

  it('refuses invalid names and location constraints with S3 codes', async () => {
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({
      name: 'InvalidBucketName',
      status: 400,
      message: 'The specified bucket is not valid.',
      fields: { BucketName: 'Bad_Name' },
    });
    // The SDK's type leaves us-east-1 out of the constraints because S3 refuses it; send it anyway.
    const usEast1 = 'us-east-1' as unknown as BucketLocationConstraint;
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'loc-us-east-1', CreateBucketConfiguration: { LocationConstraint: usEast1 } })))).toMatchObject({
      name: 'InvalidLocationConstraint',
      fields: { LocationConstraint: 'us-east-1' },
    });
    const euClient = new S3Client({ ...env.config, region: 'eu-west-1', forcePathStyle: true });
    // The SDK adds the client's region as the constraint when none is given; another region is refused.
    await euClient.send(new CreateBucketCommand({ Bucket: 'loc-eu-default' }));
    expect((await euClient.send(new GetBucketLocationCommand({ Bucket: 'loc-eu-default' }))).LocationConstraint).toBe('eu-west-1');
    expect(await failure(euClient.send(new CreateBucketCommand({ Bucket: 'loc-other', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } })))).toMatchObject({
      name: 'IllegalLocationConstraintException',
      message: 'The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.',
    });
    euClient.destroy();
  });

  it('refuses to delete a bucket that holds objects (BucketNotEmpty) and one that does not exist (NoSuchBucket)', async () => {
    const name = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'x' }));

    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: name })))).toEqual({
      name: 'BucketNotEmpty',
      status: 409,
      message: 'The bucket you tried to delete is not empty',
      fields: { BucketName: name },
    });
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'no-such-bucket-here' })))).toEqual({
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
      fields: { BucketName: 'no-such-bucket-here' },
    });
  });

  it('keeps the configurations the CDK bootstrap template sets and answers them back', async () => {
    // Prepare
    const name = await bucket();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${name}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });

    // Act
    const before = {
      versioning: await s3.send(new GetBucketVersioningCommand({ Bucket: name })),
      encryption: await s3.send(new GetBucketEncryptionCommand({ Bucket: name })),
      publicAccessBlock: await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))),
      lifecycle: await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))),
      policy: await failure(s3.send(new GetBucketPolicyCommand({ Bucket: name }))),
      tagging: await failure(s3.send(new GetBucketTaggingCommand({ Bucket: name }))),
    };
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(
      new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' } }] } }),
    );
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: name,
        LifecycleConfiguration: { Rules: [{ ID: 'CleanupOldVersions', Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 365 } }] },
      }),
    );
    await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'team', Value: 'shop' }] } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: name, Key: 'asset.zip', Body: 'zip' }));

    // Assess
    expect(before.versioning.Status).toBeUndefined();
    expect(before.encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect(before.publicAccessBlock).toMatchObject({ name: 'NoSuchPublicAccessBlockConfiguration', status: 404, message: 'The public access block configuration was not found' });
    expect(before.lifecycle).toMatchObject({ name: 'NoSuchLifecycleConfiguration', status: 404 });
    expect(before.policy).toMatchObject({ name: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' });
    expect(before.tagging).toMatchObject({ name: 'NoSuchTagSet', status: 404, message: 'The TagSet does not exist' });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status).toBe('Enabled');
    const rule = (await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' });
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true);
    expect((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))).Rules?.[0]?.NoncurrentVersionExpiration?.NoncurrentDays).toBe(365);
    expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy!)).toEqual(JSON.parse(policy));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet).toEqual([{ Key: 'team', Value: 'shop' }]);
    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/aws/s3' });
    expect(put.VersionId).toMatch(/^\w+$/);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: name }));
    expect((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: name })))).name).toBe('NoSuchBucketPolicy');
  });

  it('refuses a policy that is not JSON', async () => {
    const name = await bucket();
    expect(await failure(s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: 'not json' })))).toMatchObject({ name: 'MalformedPolicy', status: 400 });
  });
});

describe('S3 objects', () => {
  it('stores an object with its metadata and answers it whole, by range and by HEAD', async () => {
    // Prepare
    const name = await bucket();
    const body = 'hello, local cloud';

    // Act
    const put = await s3.send(new PutObjectCommand({ Bucket: name, Key: 'dir/hello world.txt', Body: body, ContentType: 'text/plain', Metadata: { origin: 'test' }, CacheControl: 'no-cache' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: name, Key: 'dir/hello world.txt', ChecksumMode: 'ENABLED' }));
    const text = await got.Body!.transformToString();
    const range = await s3.send(new GetObjectCommand({ Bucket: name, Key: 'dir/hello world.txt', Range: 'bytes=7-11' }));
    const suffix = await s3.send(new GetObjectCommand({ Bucket: name, Key: 'dir/hello world.txt', Range: 'bytes=-5' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'dir/hello world.txt' }));

    // Assess
    const md5 = `"${createHash('md5').update(body).digest('hex')}"`;
    expect(put.ETag).toBe(md5);
    expect(text).toBe(body);
    expect(got).toMatchObject({ ETag: md5, ContentType: 'text/plain', Metadata: { origin: 'test' }, CacheControl: 'no-cache', ContentLength: body.length });
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(await range.Body!.transformToString()).toBe('local');
    expect(range.ContentRange).toBe(`bytes 7-11/${body.length}`);
    expect(range.$metadata.httpStatusCode).toBe(206);
    expect(await suffix.Body!.transformToString()).toBe('cloud');
    expect(head).toMatchObject({ ETag: md5, ContentLength: body.length, Metadata: { origin: 'test' } });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: name, Key: 'dir/hello world.txt', Range: 'bytes=100-200' })))).toMatchObject({
      name: 'InvalidRange',
      status: 416,
      fields: { RangeRequested: 'bytes=100-200', ActualObjectSize: String(body.length) },
    });
  });

  it('answers NoSuchKey for GET and a bodiless 404 for HEAD of a missing key', async () => {
    const name = await bucket();
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: name, Key: 'missing' })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
      fields: { Key: 'missing' },
    });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: name, Key: 'missing' })))).toMatchObject({ name: 'NotFound', status: 404 });
  });

  it('refuses a body whose Content-MD5 does not match (BadDigest)', async () => {
    const name = await bucket();
    const wrong = createHash('md5').update('other').digest('base64');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'hello', ContentMD5: wrong })))).toMatchObject({
      name: 'BadDigest',
      status: 400,
      message: 'The Content-MD5 you specified did not match what we received.',
      fields: { ExpectedDigest: Buffer.from(wrong, 'base64').toString('hex'), CalculatedDigest: createHash('md5').update('hello').digest('base64') },
    });
    expect(env.cloud.s3.getObject(name, 'k')).toBeUndefined();
  });

  it('decodes a streamed body the SDK sends aws-chunked with a trailing checksum', async () => {
    // Prepare: a stream of known length makes the SDK send STREAMING-UNSIGNED-PAYLOAD-TRAILER.
    const name = await bucket();
    const data = Buffer.alloc(200_000, 'abc');
    let sentEncoding: string | undefined;
    const client = new S3Client({ ...env.config, forcePathStyle: true });
    client.middlewareStack.add(
      (next) => async (args) => {
        sentEncoding = ((args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] as string | undefined) ?? '';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );

    // Act
    await client.send(new PutObjectCommand({ Bucket: name, Key: 'streamed', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));

    // Assess
    expect(sentEncoding).toMatch(/^STREAMING-/);
    expect(env.cloud.s3.getObject(name, 'streamed')?.equals(data)).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: name, Key: 'streamed' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentEncoding).toBeUndefined();
    client.destroy();
  });

  it('deletes objects one by one and in a batch, a missing key reported deleted', async () => {
    const name = await bucket();
    for (const key of ['a', 'b', 'c']) await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: key }));

    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'a' }));
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'a' }));
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: [{ Key: 'b' }, { Key: 'c' }, { Key: 'nope' }] } }));

    expect(batch.Deleted?.map((d) => d.Key)).toEqual(['b', 'c', 'nope']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: name }))).KeyCount).toBe(0);
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
  });

  it('copies an object keeping or replacing its metadata, and refuses a copy onto itself that changes nothing', async () => {
    const name = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'src', Body: 'data', ContentType: 'text/plain', Metadata: { a: '1' } }));

    const kept = await s3.send(new CopyObjectCommand({ Bucket: name, Key: 'copy', CopySource: `${name}/src` }));
    await s3.send(new CopyObjectCommand({ Bucket: name, Key: 'replaced', CopySource: `/${name}/src`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'application/json' }));

    expect(kept.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('data').digest('hex')}"`);
    expect(await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'copy' }))).toMatchObject({ ContentType: 'text/plain', Metadata: { a: '1' } });
    expect(await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'replaced' }))).toMatchObject({ ContentType: 'application/json', Metadata: { b: '2' } });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: name, Key: 'src', CopySource: `${name}/src` })))).toMatchObject({ name: 'InvalidRequest', status: 400 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: name, Key: 'x', CopySource: `${name}/missing` })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });
});

describe('S3 listings', () => {
  let name: string;
  const keys = ['a.txt', 'dir/1.txt', 'dir/2.txt', 'dir/sub/3.txt', 'other/4.txt', 'z.txt'];
  beforeAll(async () => {
    name = await bucket();
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: key }));
  });

  it('lists keys in order, rolling keys up into common prefixes at the delimiter', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: name, Delimiter: '/' }));
    const dir = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: 'dir/', Delimiter: '/' }));

    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'z.txt']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/', 'other/']);
    expect(top.KeyCount).toBe(4);
    expect(dir.Contents?.map((c) => c.Key)).toEqual(['dir/1.txt', 'dir/2.txt']);
    expect(dir.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/sub/']);
    expect(dir.Contents?.[0]).toMatchObject({ Size: 9, StorageClass: 'STANDARD', ETag: `"${createHash('md5').update('dir/1.txt').digest('hex')}"` });
  });

  it('pages with max-keys and continuation tokens, a common prefix counting as one entry', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: name, Delimiter: '/', MaxKeys: 1, ...(token ? { ContinuationToken: token } : {}) }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token !== undefined && pages < 10);
    expect(seen).toEqual(['a.txt', 'dir/', 'other/', 'z.txt']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: name, StartAfter: 'dir/2.txt' }))).Contents?.map((c) => c.Key)).toEqual(['dir/sub/3.txt', 'other/4.txt', 'z.txt']);
  });

  it('lists with ListObjects (v1): Marker, and NextMarker when a delimiter is given', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: name, Delimiter: '/', MaxKeys: 2 }));
    const second = await s3.send(new ListObjectsCommand({ Bucket: name, Delimiter: '/', Marker: first.NextMarker }));

    expect(first.IsTruncated).toBe(true);
    expect(first.NextMarker).toBe('dir/');
    expect(second.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['other/']);
    expect(second.Contents?.map((c) => c.Key)).toEqual(['z.txt']);
  });

  it('refuses a continuation token it did not give', async () => {
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: 'bogus' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});

describe('S3 multipart uploads', () => {
  const MiB = 1024 * 1024;

  it('joins the parts into one object with the multipart ETag md5-of-md5s-N', async () => {
    // Prepare
    const name = await bucket();
    const parts = [Buffer.alloc(5 * MiB, 'a'), Buffer.alloc(5 * MiB, 'b'), Buffer.from('tail')];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: 'big.bin', ContentType: 'application/zip', Metadata: { m: 'v' } }));

    // Act
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      etags.push((await s3.send(new UploadPartCommand({ Bucket: name, Key: 'big.bin', UploadId, PartNumber: index + 1, Body: part }))).ETag!);
    }
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: name, Key: 'big.bin', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );

    // Assess
    const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
    const expected = `"${createHash('md5').update(md5s).digest('hex')}-3"`;
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['big.bin', UploadId]]);
    expect(done).toMatchObject({ Bucket: name, Key: 'big.bin', ETag: expected });
    expect(env.cloud.s3.getObject(name, 'big.bin')?.equals(Buffer.concat(parts))).toBe(true);
    expect(await s3.send(new HeadObjectCommand({ Bucket: name, Key: 'big.bin' }))).toMatchObject({ ETag: expected, ContentType: 'application/zip', Metadata: { m: 'v' } });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: name }))).Uploads ?? []).toEqual([]);
  });

  it('refuses parts out of order, unknown parts, small parts and unknown uploads as S3 does', async () => {
    const name = await bucket();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: 'k' }));
    const one = (await s3.send(new UploadPartCommand({ Bucket: name, Key: 'k', UploadId, PartNumber: 1, Body: 'small' }))).ETag!;
    const two = (await s3.send(new UploadPartCommand({ Bucket: name, Key: 'k', UploadId, PartNumber: 2, Body: 'end' }))).ETag!;
    const complete = (Parts: Array<{ ETag: string; PartNumber: number }>) => s3.send(new CompleteMultipartUploadCommand({ Bucket: name, Key: 'k', UploadId, MultipartUpload: { Parts } }));

    expect(await failure(complete([{ ETag: two, PartNumber: 2 }, { ETag: one, PartNumber: 1 }]))).toMatchObject({ name: 'InvalidPartOrder', fields: { UploadId } });
    expect(await failure(complete([{ ETag: two, PartNumber: 1 }]))).toMatchObject({ name: 'InvalidPart', fields: { PartNumber: '1' } });
    expect(await failure(complete([{ ETag: one, PartNumber: 1 }, { ETag: two, PartNumber: 2 }]))).toMatchObject({
      name: 'EntityTooSmall',
      fields: { ProposedSize: '5', MinSizeAllowed: '5242880', PartNumber: '1' },
    });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: name, Key: 'k', UploadId }));
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: name, Key: 'k', UploadId, PartNumber: 1, Body: 'x' })))).toMatchObject({
      name: 'NoSuchUpload',
      status: 404,
      fields: { UploadId },
    });
    expect(env.cloud.s3.storedBytes).toBeGreaterThanOrEqual(0);
  });
});

describe('S3 addressing', () => {
  it('serves the SDK without forcePathStyle on an IP endpoint (it falls back to path style)', async () => {
    const client = new S3Client(env.config);
    await client.send(new CreateBucketCommand({ Bucket: 'default-style' }));
    await client.send(new PutObjectCommand({ Bucket: 'default-style', Key: 'k', Body: 'v' }));
    expect(await (await client.send(new GetObjectCommand({ Bucket: 'default-style', Key: 'k' }))).Body!.transformToString()).toBe('v');
    client.destroy();
  });

  it('serves a virtual-hosted request (Host: <bucket>.localhost)', async () => {
    env.cloud.s3.createBucket('vhost-bucket');
    env.cloud.s3.putObject('vhost-bucket', 'dir/k.txt', Buffer.from('virtual'));
    const { port } = new URL(env.cloud.endpoint);
    const authorization = 'AWS4-HMAC-SHA256 Credential=test/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x';
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/dir/k.txt', headers: { host: `vhost-bucket.localhost:${port}`, authorization } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve(`${response.statusCode} ${Buffer.concat(chunks).toString()}`));
        })
        .on('error', reject);
    });
    expect(text).toBe('200 virtual');
  });
});

describe('S3 versions and presigned requests', () => {
  it('lists each object as its one current version, as tools that empty a versioned bucket read it', async () => {
    const name = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'before', Body: '1' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: name, Key: 'after', Body: '2' }));

    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: name }));

    expect(listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['after', VersionId, true],
      ['before', 'null', true],
    ]);
  });

  it('routes a presigned URL (X-Amz-Credential for s3) to S3', async () => {
    env.cloud.s3.createBucket('presigned-bucket');
    env.cloud.s3.putObject('presigned-bucket', 'k.txt', Buffer.from('presigned'));
    const query = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261126%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261126T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=x';
    const response = await fetch(`${env.cloud.endpoint}/presigned-bucket/k.txt?${query}`);
    expect([response.status, await response.text()]).toEqual([200, 'presigned']);
  });
});

describe('S3 in process', () => {
  it('creates a bucket, stores and reads an object, and force-deletes the bucket (for CloudFormation)', () => {
    const { s3: service } = env.cloud;
    service.createBucket('in-process-bucket', 'eu-west-1');
    service.putObject('in-process-bucket', 'template.json', Buffer.from('{}'), { contentType: 'application/json' });

    expect(service.getObject('in-process-bucket', 'template.json')?.toString()).toBe('{}');
    expect(service.getObject('in-process-bucket', 'missing')).toBeUndefined();
    expect(service.getObject('missing-bucket', 'template.json')).toBeUndefined();
    expect(() => service.deleteBucket('in-process-bucket')).toThrow('The bucket you tried to delete is not empty');
    service.deleteBucket('in-process-bucket', { force: true });
    expect(service.hasBucket('in-process-bucket')).toBe(false);
  });
});

describe('CDK asset publishing', () => {
  it('answers the calls cdk-assets makes: location, listing, encryption, then an upload with a SHA256 checksum', async () => {
    // Prepare: the bootstrap bucket as the template configures it.
    const name = 'cdk-hnb659fds-assets-000000000000-us-east-1';
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }));
    const asset = Buffer.alloc(300_000, 'zip');
    const key = 'c0ffee.zip';

    // Act: what FileAssetHandler.publish calls, in order.
    await s3.send(new GetBucketLocationCommand({ Bucket: name, ExpectedBucketOwner: '000000000000' }));
    const before = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: key, MaxKeys: 1 }));
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: name }));
    const put = await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: asset, ContentType: 'application/zip', ChecksumAlgorithm: 'SHA256', ServerSideEncryption: 'aws:kms' }));
    const after = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: key, MaxKeys: 1 }));

    // Assess
    expect(before.Contents).toBeUndefined();
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(put.ChecksumSHA256).toBe(createHash('sha256').update(asset).digest('base64'));
    expect(after.Contents?.map((c) => [c.Key, c.Size])).toEqual([[key, asset.length]]);
    expect(env.cloud.s3.getObject(name, key)?.equals(asset)).toBe(true);
    expect(await failure(s3.send(new GetBucketLocationCommand({ Bucket: name, ExpectedBucketOwner: '111111111111' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('takes a multipart upload whose parts carry SHA256 checksums, as lib-storage sends for a large asset', async () => {
    const name = await bucket();
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from('last');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: 'big.zip', ChecksumAlgorithm: 'SHA256' }));
    const parts = [];
    for (const [index, body] of [part1, part2].entries()) {
      const result = await s3.send(new UploadPartCommand({ Bucket: name, Key: 'big.zip', UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: 'SHA256' }));
      expect(result.ChecksumSHA256).toBe(createHash('sha256').update(body).digest('base64'));
      parts.push({ ETag: result.ETag!, PartNumber: index + 1, ChecksumSHA256: result.ChecksumSHA256! });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: name, Key: 'big.zip', UploadId, MultipartUpload: { Parts: parts } }));
    expect(env.cloud.s3.getObject(name, 'big.zip')?.length).toBe(part1.length + part2.length);
  });
});

describe('S3 bad input', () => {
  /** A raw request signed for s3 (the signature is not checked), answering its status and body. */
  function raw(method: string, path: string, body: string | Buffer = '', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const { port } = new URL(env.cloud.endpoint);
    const authorization = 'AWS4-HMAC-SHA256 Credential=test/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x';
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method, path, headers: { authorization, ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  it('answers S3 errors in XML for malformed requests and keeps serving', async () => {
    // Prepare
    const name = await bucket();

    // Act
    const answers = [
      await raw('PUT', `/${name}?versioning`, '<VersioningConfiguration><Status>Enabled</Status>'),
      await raw('PUT', `/${name}?versioning`, '<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>'),
      await raw('PUT', `/${name}?encryption`, `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`),
      await raw('POST', `/${name}?delete`, '<Delete></Delete>'),
      await raw('PUT', `/${name}/k`, 'zz\r\nabc', { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked' }),
      await raw('GET', `/${name}?website`),
      await raw('PUT', `/${name}/${'k'.repeat(1025)}`, 'x'),
      await raw('GET', `/${name}/%E0%A4%A`),
    ];

    // Assess
    const codes = answers.map((a) => [a.status, /<Code>(\w+)<\/Code>/.exec(a.body)?.[1]]);
    expect(codes).toEqual([
      [400, 'MalformedXML'],
      [400, 'MalformedXML'],
      [400, 'MalformedXML'],
      [400, 'MalformedXML'],
      [400, 'IncompleteBody'],
      [501, 'NotImplemented'],
      [400, 'KeyTooLongError'],
      [404, 'NoSuchKey'],
    ]);
    expect(answers[4]?.body).toContain('chunk size &apos;zz&apos; is not hexadecimal');
    await expect(s3.send(new HeadBucketCommand({ Bucket: name }))).resolves.toBeDefined();
  });
});
