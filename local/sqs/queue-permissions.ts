import { SqsErrors } from './errors';

/**
 * AddPermission and RemovePermission: each label is one statement of the queue's `Policy`
 * attribute, in the shape SQS writes it (LocalStack's AWS-validated test_sqs_permission_lifecycle):
 * version 2008-10-17, id `<queue arn>/SQSDefaultPolicy`, principals as account root ARNs and actions
 * prefixed `SQS:`, each a plain string when there is one and a list otherwise. Removing the last
 * label removes the policy.
 */

interface Statement {
  Sid?: unknown;
  [key: string]: unknown;
}
interface Policy {
  Version?: unknown;
  Id?: unknown;
  Statement?: Statement[];
  [key: string]: unknown;
}

const LABEL = /^[A-Za-z0-9_-]{1,80}$/;
/** What AddPermission may grant: SQS's operations, or `*` (API reference, AddPermission Actions). */
const ACTIONS = new Set([
  '*', 'AddPermission', 'CancelMessageMoveTask', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'CreateQueue', 'DeleteMessage',
  'DeleteMessageBatch', 'DeleteQueue', 'GetQueueAttributes', 'GetQueueUrl', 'ListDeadLetterSourceQueues', 'ListMessageMoveTasks',
  'ListQueueTags', 'ListQueues', 'PurgeQueue', 'ReceiveMessage', 'RemovePermission', 'SendMessage', 'SendMessageBatch', 'SetQueueAttributes',
  'StartMessageMoveTask', 'TagQueue', 'UntagQueue',
]);

/** The queue's policy text after AddPermission. */
export function addPermission(policyText: string | undefined, input: Record<string, unknown>, queueArn: string): string {
  const label = requireLabel(input);
  const accounts = requireList(input, 'AWSAccountIds');
  const actions = requireList(input, 'Actions');
  if (!LABEL.test(label)) {
    throw SqsErrors.invalidParameterValue(
      `Value ${label} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`,
    );
  }
  for (const action of actions) {
    if (!ACTIONS.has(action)) {
      throw SqsErrors.invalidParameterValue(`Value SQS:${action} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions. `);
    }
  }
  const policy = parse(policyText) ?? { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy`, Statement: [] };
  const statements = policy.Statement ?? [];
  if (statements.some((statement) => statement.Sid === label)) {
    throw SqsErrors.invalidParameterValue(`Value ${label} for parameter Label is invalid. Reason: Already exists.`);
  }
  const partition = queueArn.split(':')[1] ?? 'aws';
  const principals = accounts.map((account) => `arn:${partition}:iam::${account}:root`);
  const sqsActions = actions.map((action) => `SQS:${action}`);
  statements.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: sqsActions.length === 1 ? sqsActions[0] : sqsActions,
    Resource: queueArn,
  });
  return JSON.stringify({ ...policy, Statement: statements });
}

/** The queue's policy text after RemovePermission: '' (no policy) once the last statement is gone. */
export function removePermission(policyText: string | undefined, input: Record<string, unknown>): string {
  const label = requireLabel(input);
  const policy = parse(policyText);
  const statements = policy?.Statement ?? [];
  const kept = statements.filter((statement) => statement.Sid !== label);
  if (policy === undefined || kept.length === statements.length) {
    throw SqsErrors.invalidParameterValue(`Value ${label} for parameter Label is invalid. Reason: can't find label.`);
  }
  return kept.length === 0 ? '' : JSON.stringify({ ...policy, Statement: kept });
}

function parse(text: string | undefined): Policy | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const policy = JSON.parse(text) as Policy;
    if (policy !== null && typeof policy === 'object') {
      const statement = policy.Statement;
      return { ...policy, Statement: Array.isArray(statement) ? [...statement] : statement === undefined ? [] : [statement as Statement] };
    }
  } catch {
    // a policy SQS could not have written: AddPermission starts it afresh
  }
  return undefined;
}

function requireLabel(input: Record<string, unknown>): string {
  const label = input['Label'];
  if (typeof label !== 'string' || label === '') throw SqsErrors.missingParameter('Label');
  return label;
}

function requireList(input: Record<string, unknown>, name: string): string[] {
  const list = input[name];
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw SqsErrors.missingParameter(name);
  }
  return list as string[];
}
