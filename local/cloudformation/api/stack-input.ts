import { AwsError } from '../../aws-error';
import type { QueryParams } from '../../gateway/query-protocol';
import { booleanParam } from '../../gateway/query-protocol';
import type { StackInput, StackRecord } from '../stack-engine';
import { capabilitiesParam, parametersParam, tagsParam, templateTextParam, type TemplateUrlReader } from './request';
import { checkCapabilities, resolveParameterValues } from './template-summary';
import { parseTemplateText, type ParsedTemplate } from './template-text';

/**
 * The engine's input from a CreateStack, UpdateStack or CreateChangeSet request: the template (sent,
 * named by URL, or the stack's previous one), every parameter's value, tags and capabilities. An
 * update keeps the stack's tags when none are sent, as CloudFormation does.
 */
export async function stackInputFrom(
  params: QueryParams,
  stackName: string,
  previous: StackRecord | undefined,
  readUrl: TemplateUrlReader,
): Promise<{ input: StackInput; template: ParsedTemplate }> {
  let text = await templateTextParam(params, readUrl);
  if (booleanParam(params, 'UsePreviousTemplate') === true) {
    if (text !== undefined) throw new AwsError('ValidationError', 'An input template may not be specified when UsePreviousTemplate is true.');
    if (previous === undefined || previous.templateBody === '') throw new AwsError('ValidationError', 'UsePreviousTemplate cannot be used when there is no previous template.');
    text = previous.templateBody;
  }
  if (text === undefined) throw new AwsError('ValidationError', 'Either Template URL or Template Body must be specified.');
  const template = parseTemplateText(text);
  const capabilities = capabilitiesParam(params);
  checkCapabilities(template, capabilities);
  const parameters = resolveParameterValues(template, parametersParam(params), previous?.parameters ?? []);
  const tags = tagsParam(params) ?? previous?.tags.map((t) => ({ key: t.key, value: t.value })) ?? [];
  return { input: { stackName, templateBody: text, parameters, tags, capabilities }, template };
}

/** Whether the input asks for nothing the stack does not have already (same template, parameters and tags). */
export function sameAsDeployed(input: StackInput, stack: StackRecord): boolean {
  const sameTemplate = input.templateBody === stack.templateBody || sameJson(input.templateBody, stack.templateBody);
  const deployedParameters = Object.fromEntries(stack.parameters.map((p) => [p.key, p.value]));
  const sameParameters = JSON.stringify(sortedEntries(input.parameters)) === JSON.stringify(sortedEntries(deployedParameters));
  const tags = (t: ReadonlyArray<{ key: string; value: string }> | undefined) => JSON.stringify([...(t ?? [])].map((x) => [x.key, x.value]).sort());
  return sameTemplate && sameParameters && tags(input.tags) === tags(stack.tags);
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(parseTemplateText(a)) === JSON.stringify(parseTemplateText(b));
  } catch {
    return false;
  }
}

function sortedEntries(record: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
