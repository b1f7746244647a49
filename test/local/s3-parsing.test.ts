import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { decodeAwsChunked } from '../../local/s3/aws-chunked';
import { isValidBucketName } from '../../local/s3/bucket-name';
import { readPayload } from '../../local/s3/s3-request';
import { s3Address } from '../../local/s3/s3-address';
import { parseS3Url } from '../../local/s3/s3-url';
import { parseXml } from '../../local/s3/xml';

describe('parseS3Url', () => {
  it.each([
    ['https://s3.amazonaws.com/b-1/path/to/t.json', 'b-1', 'path/to/t.json'],
    ['https://s3.eu-west-1.amazonaws.com/b-1/t.json', 'b-1', 't.json'],
    ['https://s3-eu-west-1.amazonaws.com/b-1/t.json', 'b-1', 't.json'],
    ['https://s3.dualstack.eu-west-1.amazonaws.com/b-1/t.json', 'b-1', 't.json'],
    ['https://b-1.s3.amazonaws.com/k/t.json', 'b-1', 'k/t.json'],
    ['https://b-1.s3.us-east-1.amazonaws.com/t.json', 'b-1', 't.json'],
    ['https://my.dotted.bucket.s3.eu-west-1.amazonaws.com/t.json', 'my.dotted.bucket', 't.json'],
    ['http://127.0.0.1:4566/cdk-hnb659fds-assets-000000000000-us-east-1/abc.json', 'cdk-hnb659fds-assets-000000000000-us-east-1', 'abc.json'],
    ['http://localhost:4566/b-1/a%20b.json', 'b-1', 'a b.json'],
    ['http://b-1.localhost:4566/t.json', 'b-1', 't.json'],
    ['s3://b-1/dir/t.json', 'b-1', 'dir/t.json'],
  ])('reads %s', (url, bucket, key) => {
    expect(parseS3Url(url)).toEqual({ bucket, key });
  });

  it.each(['https://example.com/b/k', 'https://s3.amazonaws.com/b-only', 'http://127.0.0.1:4566/', 'not a url', 'ftp://s3.amazonaws.com/b/k', 'https://b.s3.amazonaws.com/'])(
    'refuses %s',
    (url) => {
      expect(parseS3Url(url)).toBeUndefined();
    },
  );
});

describe('s3Address', () => {
  it('reads path style, percent-decoding the key and keeping its slashes', () => {
    expect(s3Address('127.0.0.1:4566', '/b-1/dir/a%2Bb%20c.txt?x-id=GetObject')).toEqual({ bucket: 'b-1', key: 'dir/a+b c.txt' });
    expect(s3Address('127.0.0.1:4566', '/b-1')).toEqual({ bucket: 'b-1' });
    expect(s3Address('127.0.0.1:4566', '/b-1/')).toEqual({ bucket: 'b-1', key: '' });
    expect(s3Address('localhost:4566', '/')).toEqual({});
  });

  it('reads virtual-hosted addressing from the Host header', () => {
    expect(s3Address('b-1.localhost:4566', '/k/x.txt')).toEqual({ bucket: 'b-1', key: 'k/x.txt' });
    expect(s3Address('b-1.s3.eu-west-1.amazonaws.com', '/k')).toEqual({ bucket: 'b-1', key: 'k' });
    expect(s3Address('b-1.s3.amazonaws.com', '/')).toEqual({ bucket: 'b-1', key: '' });
  });
});

describe('isValidBucketName', () => {
  it.each(['abc', 'my-bucket.1', 'cdk-hnb659fds-assets-000000000000-us-east-1', 'a'.repeat(63)])('accepts %s', (name) => expect(isValidBucketName(name)).toBe(true));
  it.each(['ab', 'a'.repeat(64), 'MyBucket', 'my_bucket', '-bucket', 'bucket-', 'my..bucket', '192.168.5.4', 'xn--bucket', 'sthree-b', 'b-s3alias', 'b--ol-s3', 'has space'])(
    'refuses %s',
    (name) => expect(isValidBucketName(name)).toBe(false),
  );
});

const crc32 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(data));
  return out.toString('base64');
};

describe('aws-chunked payloads', () => {
  const data = Buffer.from('x'.repeat(70_000) + 'tail');
  const sig = 'a'.repeat(64);

  it('decodes signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) and checks the decoded length', () => {
    // Prepare
    const first = data.subarray(0, 65_536);
    const second = data.subarray(65_536);
    const body = Buffer.concat([
      Buffer.from(`${first.length.toString(16)};chunk-signature=${sig}\r\n`),
      first,
      Buffer.from(`\r\n${second.length.toString(16)};chunk-signature=${sig}\r\n`),
      second,
      Buffer.from(`\r\n0;chunk-signature=${sig}\r\n\r\n`),
    ]);
    const headers = { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': String(data.length) };

    // Act
    const { body: payload } = readPayload(headers, body);

    // Assess
    expect(payload.equals(data)).toBe(true);
    expect(() => readPayload({ ...headers, 'x-amz-decoded-content-length': String(data.length + 1) }, body)).toThrow(/x-amz-decoded-content-length/);
  });

  it('reads a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and verifies it', () => {
    const body = (checksum: string) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`)]);
    const headers = { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32' };

    const read = readPayload(headers, body(crc32(data)));
    expect(read.body.equals(data)).toBe(true);
    expect(read.checksum).toEqual({ algorithm: 'crc32', value: crc32(data) });
    expect(() => readPayload(headers, body(crc32(Buffer.from('other'))))).toThrow('The CRC32 you specified did not match the calculated checksum.');
  });

  it('reads a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER) without the final blank line', () => {
    const body = Buffer.concat([
      Buffer.from(`4;chunk-signature=${sig}\r\nabcd\r\n0;chunk-signature=${sig}\r\n`),
      Buffer.from(`x-amz-checksum-sha256:${createHash('sha256').update('abcd').digest('base64')}\r\nx-amz-trailer-signature:${sig}\r\n`),
    ]);
    const read = decodeAwsChunked(body);
    expect(read.payload.toString()).toBe('abcd');
    expect(Object.keys(read.trailers)).toEqual(['x-amz-checksum-sha256', 'x-amz-trailer-signature']);
  });

  it('refuses a malformed encoding with a message naming the problem', () => {
    expect(() => decodeAwsChunked(Buffer.from('zz\r\nabc'))).toThrow(/chunk size 'zz' is not hexadecimal/);
    expect(() => decodeAwsChunked(Buffer.from('10\r\nabc'))).toThrow(/runs past the end/);
  });

  it('checks Content-MD5 as S3 does', () => {
    const md5 = createHash('md5').update('hello').digest('base64');
    expect(readPayload({ 'content-md5': md5 }, Buffer.from('hello')).body.toString()).toBe('hello');
    expect(() => readPayload({ 'content-md5': md5 }, Buffer.from('hellO'))).toThrow('The Content-MD5 you specified did not match what we received.');
    expect(() => readPayload({ 'content-md5': 'MTIz' }, Buffer.from('hello'))).toThrow('The Content-MD5 you specified was invalid.');
  });
});

describe('parseXml', () => {
  it('reads elements, entities and CDATA, dropping namespaces and attributes', () => {
    const doc = parseXml('<?xml version="1.0"?><s3:Delete xmlns:s3="x"><Object><Key>a &amp; b&#x2F;<![CDATA[<c>]]></Key></Object><Quiet/></s3:Delete>');
    expect(doc.name).toBe('Delete');
    expect(doc.children[0]?.children[0]?.text).toBe('a & b/<c>');
    expect(doc.children[1]?.name).toBe('Quiet');
  });

  it.each(['<a><b></a>', '<a>', 'text', '<a></a><b/>', '<!DOCTYPE x><a/>'])('refuses %s', (text) => {
    expect(() => parseXml(text)).toThrow();
  });
});
