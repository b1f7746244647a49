import { randomUUID } from 'node:crypto';
import { LambdaError, LambdaErrors } from './lambda-errors';

/** One statement of a function's resource-based policy, as AddPermission writes it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: string | { readonly Service: string } | { readonly AWS: string };
  readonly Action: string;
  readonly Resource: string;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const STATEMENT_ID = /^[a-zA-Z0-9-_]+$/;
/** A service principal: a host name of AWS's (`events.amazonaws.com`, `alexa-appkit.amazon.com`). */
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com)$/;

/**
 * A function's resource-based policy (AddPermission, GetPolicy, RemovePermission): statements in
 * the order they were added, and a revision id that changes with every change. The local cloud
 * keeps it for the API's answers; it does not enforce it.
 */
export class FunctionPolicy {
  private readonly statements: PolicyStatement[] = [];
  revisionId = randomUUID();

  /** Adds the statement AddPermission's input describes and returns it; a statement id in use is a conflict. */
  add(input: Record<string, unknown>, functionArn: string): PolicyStatement {
    const statement = statementOf(input, functionArn);
    if (this.statements.some((existing) => existing.Sid === statement.Sid)) {
      throw LambdaErrors.conflict(`The statement id (${statement.Sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    this.statements.push(statement);
    this.revisionId = randomUUID();
    return statement;
  }

  /** Removes a statement by id; one that is not there is ResourceNotFoundException naming it. */
  remove(statementId: string): void {
    const index = this.statements.findIndex((statement) => statement.Sid === statementId);
    if (index < 0) throw new LambdaError('ResourceNotFoundException', `Statement ${statementId} is not found in resource policy.`, 404, 'Message');
    this.statements.splice(index, 1);
    this.revisionId = randomUUID();
  }

  get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  /** The policy document as GetPolicy shows it (its `Policy` member is this, as JSON text). */
  document(): Record<string, unknown> {
    return { Version: '2012-10-17', Id: 'default', Statement: [...this.statements] };
  }
}

/**
 * The statement for AddPermission's members: the principal as IAM writes it (a service, `*`, an
 * account's root, an ARN), and a condition per optional member (StringEquals for the source account,
 * URL auth type, organization and event source token; ArnLike for the source ARN).
 */
function statementOf(input: Record<string, unknown>, functionArn: string): PolicyStatement {
  const sid = String(input['StatementId'] ?? '');
  if (!STATEMENT_ID.test(sid) || sid.length > 100) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`);
  }
  const principal = String(input['Principal'] ?? '');
  const stringEquals: Record<string, string> = {};
  const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
  const sourceAccount = text('SourceAccount');
  if (sourceAccount !== undefined) stringEquals['AWS:SourceAccount'] = sourceAccount;
  const urlAuthType = text('FunctionUrlAuthType');
  if (urlAuthType !== undefined) stringEquals['lambda:FunctionUrlAuthType'] = urlAuthType;
  const organization = text('PrincipalOrgID');
  if (organization !== undefined) stringEquals['aws:PrincipalOrgID'] = organization;
  const eventSourceToken = text('EventSourceToken');
  if (eventSourceToken !== undefined) stringEquals['lambda:EventSourceToken'] = eventSourceToken;
  const sourceArn = text('SourceArn');
  const condition = {
    ...(Object.keys(stringEquals).length === 0 ? {} : { StringEquals: stringEquals }),
    ...(sourceArn === undefined ? {} : { ArnLike: { 'AWS:SourceArn': sourceArn } }),
  };
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(principal, functionArn),
    Action: String(input['Action'] ?? ''),
    Resource: functionArn,
    ...(Object.keys(condition).length === 0 ? {} : { Condition: condition }),
  };
}

function principalOf(principal: string, functionArn: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${functionArn.split(':')[1] ?? 'aws'}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  if (SERVICE_PRINCIPAL.test(principal)) return { Service: principal };
  throw LambdaErrors.invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}
