export { compilePattern, parsePattern, type CompiledPattern } from './compile';
export { InvalidEventPatternError } from './errors';
