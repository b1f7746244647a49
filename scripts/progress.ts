/**
 * A one-line progress display: redrawn in place on a terminal, plain lines otherwise (CI logs).
 */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private readonly frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  private frame = 0;
  private current = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly started = Date.now()) {}

  step(text: string): void {
    this.current = text;
    if (!this.tty) {
      process.stderr.write(`[${this.elapsed()}] ${text}\n`);
      return;
    }
    this.timer ??= setInterval(() => this.draw(), 100);
    this.draw();
  }

  done(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) process.stderr.write('\r\u001b[2K');
  }

  private draw(): void {
    this.frame = (this.frame + 1) % this.frames.length;
    process.stderr.write(`\r\u001b[2K${this.frames[this.frame]} [${this.elapsed()}] ${this.current}`);
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }
}
