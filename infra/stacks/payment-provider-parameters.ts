/**
 * Where a stage's payment provider settings are unless props or context say otherwise: operators put
 * them there on AWS, the local launcher puts the stub's. (Apart from the stack so that tools can
 * read it without loading the CDK.)
 */
export function defaultProviderParameters(stageName: string): { url: string; secret: string } {
  return { url: `/shop/${stageName}/payment-provider/url`, secret: `/shop/${stageName}/payment-provider/secret` };
}
