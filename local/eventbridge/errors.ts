import { AwsError } from '../aws-error';

/** EventBridge's JSON 1.1 errors: a bare `__type`, HTTP 400. */
export const EventsErrors = {
  validation: (message: string) => new AwsError('ValidationException', message),
  notFound: (message: string) => new AwsError('ResourceNotFoundException', message),
  alreadyExists: (message: string) => new AwsError('ResourceAlreadyExistsException', message),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message),
  invalidPattern: (message: string) => new AwsError('InvalidEventPatternException', message),
  illegalStatus: (message: string) => new AwsError('IllegalStatusException', message),
};
