import type { LocalFunction } from '../lambda/lambda-service';
import type { SandboxConfig, SandboxInspector } from '../lambda/sandbox';

/** A function to debug, as named on the command line, and how. */
export interface InspectRequest {
  /** The function's name, or a part of it that names one function only (case-insensitive). */
  readonly selector: string;
  readonly mode: SandboxInspector['mode'];
}

export interface InspectedFunction {
  readonly function: string;
  readonly port: number;
  readonly mode: SandboxInspector['mode'];
}

/** What putting functions under the inspector needs of Lambda. */
export interface InspectableFunctions {
  all(): LocalFunction[];
  reconfigure(fn: LocalFunction, config: Omit<SandboxConfig, 'onLog'>): void;
}

/**
 * Runs the requested functions' sandboxes under the Node inspector on 127.0.0.1 (never another
 * interface: the inspector runs any code it is sent), one port per function from `firstPort`, in the
 * order asked. Throws, naming the selector and the candidates, when one matches no function or several.
 */
export function inspectFunctions(lambda: InspectableFunctions, requests: readonly InspectRequest[], firstPort: number): InspectedFunction[] {
  const functions = lambda.all();
  const chosen = new Map<LocalFunction, SandboxInspector['mode']>();
  for (const request of requests) {
    const fn = pick(functions, request.selector);
    if (!chosen.has(fn) || request.mode !== 'inspect') chosen.set(fn, request.mode);
  }
  return [...chosen].map(([fn, mode], index) => {
    const port = firstPort + index;
    if (port > 65_535) throw new Error(`--inspect-port ${firstPort}: not enough ports for ${chosen.size} functions`);
    lambda.reconfigure(fn, { ...fn.config, inspector: { port, mode } });
    return { function: fn.name, port, mode };
  });
}

function pick(functions: readonly LocalFunction[], selector: string): LocalFunction {
  const exact = functions.find((fn) => fn.name === selector);
  if (exact !== undefined) return exact;
  const part = selector.toLowerCase();
  const matches = functions.filter((fn) => fn.name.toLowerCase().includes(part));
  if (matches.length === 1) return matches[0]!;
  const names = (matches.length === 0 ? functions : matches).map((fn) => fn.name).sort();
  throw new Error(
    matches.length === 0
      ? `--inspect ${selector}: no deployed function's name contains it; the functions: ${names.join(', ') || '(none deployed)'}`
      : `--inspect ${selector}: ${matches.length} functions' names contain it, name one: ${names.join(', ')}`,
  );
}

/** How to attach a debugger to an inspected function, for the CLI to print. */
export function attachInstructions(inspected: InspectedFunction): string[] {
  const wait = inspected.mode === 'inspect' ? '' : inspected.mode === 'inspect-wait' ? '; each new sandbox waits for a debugger before loading the handler' : '; each new sandbox stops at the runtime\'s first line until a debugger resumes it';
  return [
    `inspect:  ${inspected.function} on 127.0.0.1:${inspected.port} (one sandbox at a time, its timeout not enforced${wait})`,
    `          attach: chrome://inspect (Configure: 127.0.0.1:${inspected.port}), or VS Code: {"type":"node","request":"attach","address":"127.0.0.1","port":${inspected.port},"restart":true,"sourceMaps":true}`,
  ];
}

/** The CLI's `--inspect`, `--inspect-wait` and `--inspect-brk` values (each repeatable, each a comma list) as requests. */
export function inspectRequests(values: { readonly inspect?: readonly string[]; readonly 'inspect-wait'?: readonly string[]; readonly 'inspect-brk'?: readonly string[] }): InspectRequest[] {
  const modes = ['inspect', 'inspect-wait', 'inspect-brk'] as const;
  return modes.flatMap((mode) =>
    (values[mode] ?? [])
      .flatMap((value) => value.split(','))
      .map((selector) => selector.trim())
      .filter((selector) => selector !== '')
      .map((selector) => ({ selector, mode })),
  );
}
