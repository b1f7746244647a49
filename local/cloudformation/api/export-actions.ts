import { AwsError } from '../../aws-error';
import { requiredParam } from '../../gateway/query-protocol';
import type { Action } from './context';
import { parseTemplateText } from './template-text';

/** ListExports: every export of a live stack, on one page. */
export const listExports: Action = async (_params, context) => ({
  Exports: context.directory.engine.exports().map((e) => ({ ExportingStackId: e.exportingStackId, Name: e.name, Value: e.value })),
});

/**
 * ListImports: the live stacks whose templates import the export (`Fn::ImportValue` of its name,
 * written out or through `Fn::Sub` without variables).
 */
export const listImports: Action = async (params, context) => {
  const name = requiredParam(params, 'ExportName');
  if (!context.directory.engine.exports().some((e) => e.name === name)) throw new AwsError('ValidationError', `Export '${name}' is not exported by any stack.`);
  const importers = context.directory
    .all()
    .filter((s) => s.status !== 'DELETE_COMPLETE' && s.templateBody !== '' && importsOf(s.templateBody).has(name))
    .map((s) => s.stackName);
  if (importers.length === 0) throw new AwsError('ValidationError', `Export '${name}' is not imported by any stack.`);
  return { Imports: importers };
};

/** The export names a template imports by a name known without deploying it. */
function importsOf(templateBody: string): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Fn::ImportValue') {
        if (typeof value === 'string') names.add(value);
        else if (value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)['Fn::Sub'] === 'string') {
          const sub = (value as Record<string, string>)['Fn::Sub']!;
          if (!sub.includes('${')) names.add(sub);
        }
      }
      visit(value);
    }
  };
  try {
    visit(parseTemplateText(templateBody));
  } catch {
    // A stack's template was accepted once; if it no longer reads, it imports nothing we can name.
  }
  return names;
}
