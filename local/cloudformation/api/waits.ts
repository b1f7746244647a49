/**
 * How long an answer waits for the work it started before answering (see `ApiContext.briefly`):
 * under the CDK CLI's 5 s poll, so a quick plan or stack operation costs it no poll; longer work
 * goes on in the background, and the answer is what CloudFormation's would be (pending, in progress).
 */
export const PLAN_WAIT_MS = 2_000;
export const OPERATION_WAIT_MS = 4_000;
