/**
 * SIGINT / SIGTERM during a sweep: the first one lets the invocation in flight finish (every finished one is already
 * on disk) and stops the sweep; a second one abandons it at once. Either way the `--resume` command is printed.
 */
import path from 'node:path';
import { DEFAULT_RESULTS_DIR } from '../paths.js';

export function resumeHint(runId: string, out: string, command = 'run'): string {
  const outFlag = path.resolve(out) === path.resolve(DEFAULT_RESULTS_DIR) ? '' : ` --out ${out}`;
  return `resume with: npm run cli -- ${command} --resume ${runId}${outFlag}`;
}

export interface Interrupts {
  signal: AbortSignal;
  dispose(): void;
}

export function handleInterrupts(runId: string, out: string, command = 'run'): Interrupts {
  return stopOnSignals('the invocation in flight', resumeHint(runId, out, command));
}

/**
 * The first SIGINT / SIGTERM aborts the returned signal once `inFlight` is done; a second one exits at once, printing
 * `hint` (what the user can do with what is already on disk).
 */
export function stopOnSignals(inFlight: string, hint: string): Interrupts {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${name} again: abandoning ${inFlight}. ${hint}\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${name}: finishing ${inFlight}, then stopping (again to abandon it)\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
