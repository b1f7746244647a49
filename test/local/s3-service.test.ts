import { MIN_PART_SIZE, S3Service } from '../../local/s3/s3-service';

/** The in-process S3 store, as the CloudFormation providers and the REST API use it. */
describe('S3Service', () => {
  it('holds at most maxBytes of objects and parts, counting replacements, deletions and completed uploads', () => {
    // Prepare
    const s3 = new S3Service({ region: 'us-east-1', accountId: '000000000000', maxBytes: MIN_PART_SIZE + 10 });
    s3.createBucket('bounded');

    // Act + Assess
    s3.putObject('bounded', 'a', Buffer.alloc(8));
    expect(() => s3.putObject('bounded', 'b', Buffer.alloc(MIN_PART_SIZE + 3))).toThrow(/at most 5242890 bytes/);
    s3.putObject('bounded', 'a', Buffer.alloc(2));
    expect(s3.storedBytes).toBe(2);
    const upload = s3.createMultipartUpload('bounded', 'big');
    const one = s3.uploadPart('bounded', 'big', upload.uploadId, 1, Buffer.alloc(MIN_PART_SIZE));
    const two = s3.uploadPart('bounded', 'big', upload.uploadId, 2, Buffer.alloc(8));
    expect(s3.storedBytes).toBe(MIN_PART_SIZE + 10);
    s3.completeMultipartUpload('bounded', 'big', upload.uploadId, [
      { partNumber: 1, etag: one },
      { partNumber: 2, etag: two },
    ]);
    expect(s3.storedBytes).toBe(MIN_PART_SIZE + 10);
    s3.deleteObject('bounded', 'big');
    expect(s3.storedBytes).toBe(2);
    s3.deleteBucket('bounded', { force: true });
    expect(s3.storedBytes).toBe(0);
  });

  it('refuses invalid bucket names and answers S3 errors for missing buckets, keys and uploads', () => {
    const s3 = new S3Service({ region: 'eu-west-1', accountId: '000000000000' });
    expect(() => s3.createBucket('Not_Valid')).toThrow('The specified bucket is not valid.');
    expect(() => s3.putObject('missing', 'k', Buffer.from('x'))).toThrow('The specified bucket does not exist');
    expect(s3.createBucket('here').region).toBe('eu-west-1');
    expect(() => s3.createBucket('here')).toThrow('Your previous request to create the named bucket succeeded and you already own it.');
    expect(() => s3.object('here', 'k')).toThrow('The specified key does not exist.');
    expect(() => s3.uploadPart('here', 'k', 'nope', 1, Buffer.from('x'))).toThrow(/The specified upload does not exist/);
  });
});
