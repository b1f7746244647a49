import type { Template } from './cloud-assembly';

/** The logical ids a template value refers to (Ref, Fn::GetAtt, ${X} and ${X.Attr} in Fn::Sub). */
export function referencesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof item === 'string' && !item.startsWith('AWS::')) into.add(item);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(item) ? String(item[0]) : String(item).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(item) ? item[0] : item;
        for (const [, name] of String(text).matchAll(/\$\{(?!!)([^}.]+)(?:\.[^}]*)?\}/g)) if (!name!.startsWith('AWS::')) into.add(name!);
        if (Array.isArray(item)) referencesIn(item[1], into);
      } else referencesIn(item, into);
    }
  }
  return into;
}

/** The resources of a template ordered so each comes after everything it refers to or DependsOn. */
export function creationOrder(template: Template): string[] {
  const resources = template.Resources ?? {};
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done' || resources[id] === undefined) return;
    if (state.get(id) === 'visiting') throw new Error(`resources refer to each other in a cycle: ${[...trail, id].join(' -> ')}`);
    state.set(id, 'visiting');
    const resource = resources[id]!;
    const dependencies = referencesIn(resource.Properties);
    for (const d of [resource.DependsOn ?? []].flat()) dependencies.add(d);
    for (const dependency of dependencies) visit(dependency, [...trail, id]);
    state.set(id, 'done');
    ordered.push(id);
  };
  for (const id of Object.keys(resources)) visit(id, []);
  return ordered;
}
