import { parseTemplate, validationError, type EngineTemplate } from '../template';

/** A template as the API reads it: the engine's reading (one parser for both), and the sections only the API shows. */
export type ParsedTemplate = EngineTemplate & { readonly AWSTemplateFormatVersion?: unknown; readonly Metadata?: unknown; readonly Transform?: unknown };

/**
 * Reads a template's text (JSON or YAML) with the engine's parser, plus the name checks
 * CloudFormation makes before anything else (logical ids and parameter names are alphanumeric).
 * Throws CloudFormation's `ValidationError`s ("Template format error: ...").
 */
export function parseTemplateText(text: string): ParsedTemplate {
  if (text.trimStart().startsWith('{')) checkJson(text);
  const template = parseTemplate(text);
  for (const id of Object.keys(template.Resources ?? {})) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw validationError(`Template format error: Resource name ${id} is non alphanumeric.`);
  }
  for (const name of Object.keys(template.Parameters ?? {})) {
    if (!/^[A-Za-z0-9]+$/.test(name)) throw validationError(`Template format error: Parameter name ${name} is non alphanumeric.`);
  }
  return template;
}

/** Refuses JSON that does not parse, saying where as CloudFormation does: "(line L, column C)". */
function checkJson(text: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    // Node says "at position N" (newer versions "(line L column C)").
    const message = (error as Error).message;
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    const position = /position (\d+)/.exec(message);
    let where = '';
    // CloudFormation counts the column past the character it could not read (AWS answers column 25 for
    // '{"this is invalid JSON"="bobbins"}', whose '=' is the 24th character).
    if (lineColumn !== null) where = ` (line ${lineColumn[1]}, column ${Number(lineColumn[2]) + 1})`;
    else if (position !== null) {
      const before = text.slice(0, Number(position[1]));
      where = ` (line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n') + 1})`;
    }
    throw validationError(`Template format error: JSON not well-formed.${where}`);
  }
}
