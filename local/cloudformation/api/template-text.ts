import { parseTemplate, validationError, type EngineTemplate } from '../template';

/** A template as the API reads it: the engine's reading (one parser for both), and the sections only the API shows. */
export type ParsedTemplate = EngineTemplate & { readonly AWSTemplateFormatVersion?: unknown; readonly Metadata?: unknown; readonly Transform?: unknown };

/**
 * Reads a template's text (JSON or YAML) with the engine's parser, plus the name checks
 * CloudFormation makes before anything else (logical ids and parameter names are alphanumeric).
 * Throws CloudFormation's `ValidationError`s ("Template format error: ...").
 */
export function parseTemplateText(text: string): ParsedTemplate {
  const template = parseTemplate(text);
  for (const id of Object.keys(template.Resources ?? {})) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw validationError(`Template format error: Resource name ${id} is non alphanumeric.`);
  }
  for (const name of Object.keys(template.Parameters ?? {})) {
    if (!/^[A-Za-z0-9]+$/.test(name)) throw validationError(`Template format error: Parameter name ${name} is non alphanumeric.`);
  }
  return template;
}
