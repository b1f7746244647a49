/** AWS's answer to a pattern it cannot accept: `InvalidEventPatternException`, with its message format. */
export class InvalidEventPatternError extends Error {
  readonly code = 'InvalidEventPatternException';
  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}
