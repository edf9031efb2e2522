/**
 * What the terminal shows while a sweep runs: on a TTY a progress bar (cells done, ETA, the current cell); otherwise
 * one line per finished cell, so logs of CI or a pipe stay readable.
 */
import cliProgress from 'cli-progress';
import type { Completeness } from '../analyze/completeness.js';
import type { PlannedCell } from '../plan/plan.js';
import type { CellResult, SweepProgress } from '../run/sweep.js';
import { median } from '../statistics/statistics.js';

function label(cell: PlannedCell): string {
  return `${cell.arch} ${cell.memoryMb} MB ${cell.mode} x${cell.workers}`;
}

function summary(result: CellResult): string {
  const m = median(result.durationsMs);
  const what = result.skipped ? 'already complete' : `${result.invocations} invocations`;
  const failures = result.failures > 0 ? `, ${result.failures} failed` : '';
  return `${label(result.cell)}: median ${m === null ? '-' : `${m.toFixed(1)} ms`} (n=${result.durationsMs.length}, ${what}${failures})`;
}

export interface ProgressView extends SweepProgress {
  stop(): void;
}

export function progressView(total: number, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (!stream.isTTY) {
    return {
      // The sweep's own total: memory sizes the account refused take their cells out of the plan's.
      onCellDone: (result, done, cells) => stream.write(`[${done}/${cells}] ${summary(result)}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'cells {bar} {value}/{total} | ETA {eta_formatted} | {cell}', stream, hideCursor: true, etaBuffer: 8 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { cell: '' });
  let invocations = 0;
  return {
    onCellStart: (cell) => bar.update({ cell: label(cell) }),
    onInvocation: (cell) => {
      invocations += 1;
      bar.update({ cell: `${label(cell)} (${invocations} invocations)` });
    },
    onCellDone: (_result, done, cells) => {
      if (cells !== total) bar.setTotal(cells);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/**
 * While late REPORT lines are awaited (--logs-wait, `analyze --cloudwatch`): one line per CloudWatch fetch that still
 * misses some, so the wait is visible; a fetch that finds everything says nothing.
 */
export function reportLogsPoll(found: Completeness, polls: number, stream: NodeJS.WriteStream = process.stderr): void {
  if (found.missing.length === 0) return;
  stream.write(
    `CloudWatch Logs, fetch ${polls}: ${found.found} of ${found.expected} REPORT lines, ${found.missing.length} still missing\n`,
  );
}
