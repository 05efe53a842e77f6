/**
 * The backtest's progress bar on a terminal: one line redrawn in place (sessions done, the day, elapsed),
 * at most every 100 ms and at the end. Nothing is drawn off a terminal, nor with `--json`.
 */

/** A bar that writes whole lines through `write` (the CLI's output). */
export interface ProgressBar {
  /** Session `done` of `total` finished; `day` is its date. */
  update(done: number, total: number, day: string): void;
  /** Leave the last state on screen. */
  finish(): void;
}

const WIDTH = 30;

/** A bar over `write`; `label` names what runs (`per-book`, `aggregated` for a comparison). */
export const progressBar = (write: (line: string) => void, label = ''): ProgressBar => {
  const started = performance.now();
  let drawn = false;
  let last = 0;
  let pending: string | undefined;
  const draw = (line: string) => {
    // Up one line and clear it, then the new line (the output adds the line break).
    write(drawn ? `\x1b[1A\x1b[2K${line}` : line);
    drawn = true;
    last = performance.now();
    pending = undefined;
  };
  return {
    update(done, total, day) {
      const filled = Math.round((done / total) * WIDTH);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const line = `${label ? `${label} ` : ''}[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${day} ${seconds} s`;
      if (done === total || performance.now() - last >= 100) draw(line);
      else pending = line;
    },
    finish() {
      if (pending !== undefined) draw(pending);
    },
  };
};
