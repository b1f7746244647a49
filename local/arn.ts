/** The service an ARN names (`arn:aws:sqs:us-east-1:000000000000:orders` → `sqs`); '' when it names none. */
export function arnService(arn: string): string {
  return arn.split(':')[2] ?? '';
}
