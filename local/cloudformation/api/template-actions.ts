import { AwsError } from '../../aws-error';
import type { Action, ApiContext } from './context';
import { templateTextParam } from './request';
import { declaredTransforms, parameterDeclarations, requiredCapabilities, resourcesByType, resourceTypes } from './template-summary';
import { parseTemplateText, type ParsedTemplate } from './template-text';

/** GetTemplate: the template as it was sent, of a stack or of a change set (both stages are the same here). */
export const getTemplate: Action = async (params, context) => {
  const stackName = params['StackName'];
  const changeSetName = params['ChangeSetName'];
  const { directory } = context;
  let body: string;
  if (changeSetName !== undefined) {
    if (stackName === undefined && !changeSetName.startsWith('arn:')) throw new AwsError('ValidationError', 'StackName is a required parameter.');
    body = directory.findChangeSet(changeSetName, stackName).changeSet.input.templateBody;
  } else {
    if (stackName === undefined) throw new AwsError('ValidationError', 'StackName is required if ChangeSetName is not specified.');
    const stack = directory.find(stackName);
    if (stack === undefined) throw new AwsError('ValidationError', `Stack with id ${stackName} does not exist`);
    // A stack in review has no template yet: its change sets hold theirs.
    body = stack.templateBody === '' ? '{}' : stack.templateBody;
  }
  const stage = params['TemplateStage'];
  if (stage !== undefined && stage !== 'Original' && stage !== 'Processed') {
    throw new AwsError('ValidationError', `1 validation error detected: Value '${stage}' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]`);
  }
  return { TemplateBody: body, StagesAvailable: ['Original', 'Processed'] };
};

/**
 * GetTemplateSummary: what a template declares (parameters with types and defaults, resource types,
 * capabilities), of a template sent or named by URL, or of a stack's template.
 */
export const getTemplateSummary: Action = async (params, context) => {
  const template = await summaryTemplate(params, context);
  const capabilities = requiredCapabilities(template);
  const metadata = template.Metadata;
  return {
    Parameters: parameterDeclarations(template).map((p) => ({
      ParameterKey: p.key,
      DefaultValue: p.defaultValue,
      ParameterType: p.type,
      NoEcho: p.noEcho,
      Description: p.description,
      ParameterConstraints: p.allowedValues === undefined ? {} : { AllowedValues: p.allowedValues },
    })),
    Description: typeof template.Description === 'string' ? template.Description : undefined,
    Capabilities: capabilities.capabilities.length === 0 ? undefined : capabilities.capabilities,
    CapabilitiesReason: capabilities.reason,
    ResourceTypes: resourceTypes(template),
    Version: typeof template.AWSTemplateFormatVersion === 'string' ? template.AWSTemplateFormatVersion : undefined,
    Metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
    DeclaredTransforms: declaredTransforms(template).length === 0 ? undefined : declaredTransforms(template),
    ResourceIdentifierSummaries: [...resourcesByType(template)].map(([type, ids]) => ({ ResourceType: type, LogicalResourceIds: ids })),
  };
};

/** ValidateTemplate: the template's parameters, description and capabilities, or its format error. */
export const validateTemplate: Action = async (params, context) => {
  const text = await templateTextParam(params, context.readTemplateUrl);
  if (text === undefined) throw new AwsError('ValidationError', 'Either Template URL or Template Body must be specified.');
  const template = parseTemplateText(text);
  const capabilities = requiredCapabilities(template);
  return {
    Parameters: parameterDeclarations(template).map((p) => ({ ParameterKey: p.key, DefaultValue: p.defaultValue, NoEcho: p.noEcho, Description: p.description })),
    Description: typeof template.Description === 'string' ? template.Description : undefined,
    Capabilities: capabilities.capabilities.length === 0 ? undefined : capabilities.capabilities,
    CapabilitiesReason: capabilities.reason,
    DeclaredTransforms: declaredTransforms(template).length === 0 ? undefined : declaredTransforms(template),
  };
};

async function summaryTemplate(params: Parameters<Action>[0], context: ApiContext): Promise<ParsedTemplate> {
  const text = await templateTextParam(params, context.readTemplateUrl);
  if (text !== undefined) return parseTemplateText(text);
  const stackName = params['StackName'];
  if (stackName === undefined) throw new AwsError('ValidationError', 'Either StackName or TemplateBody or TemplateURL must be specified.');
  const stack = context.directory.find(stackName);
  if (stack === undefined) throw new AwsError('ValidationError', `Stack with id ${stackName} does not exist`);
  if (stack.status === 'REVIEW_IN_PROGRESS') throw new AwsError('ValidationError', 'GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.');
  return parseTemplateText(stack.templateBody);
}
