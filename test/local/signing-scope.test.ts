import { signingScope } from '../../local/gateway/signing-scope';

describe('signingScope', () => {
  it('reads the region and service of a signed request', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
    expect(signingScope({ headers: { authorization }, url: '/' })).toEqual({ region: 'us-east-1', service: 'sts' });
  });

  it('reads a presigned URL', () => {
    const url = '/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261126%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=x';
    expect(signingScope({ headers: {}, url })).toEqual({ region: 'eu-west-1', service: 's3' });
  });

  it('is undefined for an unsigned or malformed request', () => {
    expect(signingScope({ headers: {}, url: '/' })).toBeUndefined();
    expect(signingScope({ headers: { authorization: 'Bearer x' }, url: '/?X-Amz-Credential=a/b' })).toBeUndefined();
  });
});
