/**
 * A one-line progress bar on stderr for long runs: redrawn at most ten times a second, only when
 * stderr is a terminal, and erased when done.
 */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = stream.isTTY === true;
  }

  update(fraction: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && fraction < 1) return;
    this.last = now;
    const width = 30;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    const seconds = (now - this.started) / 1000;
    const eta = fraction > 0.02 ? ` ~${Math.max(0, Math.round(seconds / fraction - seconds))}s left` : "";
    this.stream.write(
      `\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${seconds.toFixed(0)}s${eta}  `,
    );
  }

  done(): void {
    if (this.enabled) this.stream.write("\r\x1b[2K");
  }
}
