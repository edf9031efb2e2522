/**
 * The plan of `experiment background`: its cells, how many invocations they take, and what they should cost and
 * how long they should run. Estimates from the calibration and the parallelism model, as the sweep's plan is; the
 * command says so where it shows them. Pure.
 */
import { AWAITED_MODE, type BackgroundKind } from '../../workloads/event.js';
import { ConfigError } from '../errors.js';
import type { Architecture } from '../lambda/platform.js';
import { invocationCostUsd, PRICED_REGION } from '../lambda/pricing.js';
import { modelDurationMs } from '../model/parallelism.js';
import { type BackgroundOptions, functionName } from '../options.js';
import { formatUsd } from '../text/format.js';
import type { PlanCalibration } from './plan.js';

/** What a starting invocation, which returns at once, is assumed to bill. */
const START_ESTIMATE_MS = 10;
/** What reclaiming (a configuration update and its waiter) is assumed to add to a gap. */
const RECLAIM_ESTIMATE_MS = 2000;

/** One configuration of the experiment, measured `--pairs` times. */
export interface BackgroundCell {
  functionName: string;
  arch: Architecture;
  memoryMb: number;
  kind: BackgroundKind;
  gapMs: number;
  reclaim: boolean;
}

export interface BackgroundPlan {
  estimate: true;
  cells: BackgroundCell[];
  pairs: number;
  /** Invocations: three per pair (four after a reclaim), plus one warm-up per function and kind. */
  invocations: number;
  usd: number;
  wallTimeS: number;
  warnings: string[];
}

export function backgroundCells(o: BackgroundOptions): BackgroundCell[] {
  const cells: BackgroundCell[] = [];
  for (const arch of o.arch) {
    for (const memoryMb of o.memoryMb) {
      for (const kind of o.kinds) {
        for (const reclaim of o.reclaim ? [false, true] : [false]) {
          for (const gapMs of o.gapMs) {
            cells.push({ functionName: functionName(o.prefix, arch, memoryMb), arch, memoryMb, kind, gapMs, reclaim });
          }
        }
      }
    }
  }
  return cells;
}

export function planBackground(o: BackgroundOptions, calibration: PlanCalibration): BackgroundPlan {
  const cells = backgroundCells(o);
  const workMs = (cell: BackgroundCell) =>
    modelDurationMs(
      { mode: AWAITED_MODE[cell.kind], workers: o.workers, items: o.items, memoryMb: cell.memoryMb },
      calibration.msPerItemAtOneVcpu,
    );
  let usd = 0;
  let wallMs = 0;
  const warmups = new Set<string>();
  for (const cell of cells) {
    const work = workMs(cell);
    const key = `${cell.functionName}/${cell.kind}`;
    if (!warmups.has(key)) {
      warmups.add(key);
      usd += invocationCostUsd(work, cell.memoryMb, cell.arch);
      wallMs += work;
    }
    // The collect waits for about the whole work, and the awaited baseline does all of it.
    const pairUsd =
      invocationCostUsd(START_ESTIMATE_MS, cell.memoryMb, cell.arch) +
      2 * invocationCostUsd(work, cell.memoryMb, cell.arch);
    usd += o.pairs * pairUsd;
    wallMs += o.pairs * (cell.gapMs + (cell.reclaim ? RECLAIM_ESTIMATE_MS : 0) + 2 * work);
  }
  const warnings: string[] = [];
  const longest = Math.max(...cells.map(workMs));
  if (longest > o.timeoutS * 1000) {
    warnings.push(
      `the longest work is estimated at ~${Math.round(longest / 1000)} s, beyond --timeout ${o.timeoutS} s: collecting invocations would stop waiting and awaited ones time out; lower --items or --cost, or raise --timeout`,
    );
  }
  if (o.region !== PRICED_REGION) warnings.push(`USD figures use ${PRICED_REGION} prices; ${o.region} may differ`);
  return {
    estimate: true,
    cells,
    pairs: cells.length * o.pairs,
    invocations: cells.reduce((n, cell) => n + o.pairs * (cell.reclaim ? 4 : 3), 0) + warmups.size,
    usd,
    wallTimeS: wallMs / 1000,
    warnings,
  };
}

/** On AWS, refuse an experiment estimated above --max-cost-usd unless --yes. */
export function backgroundCostGuard(plan: BackgroundPlan, o: BackgroundOptions): void {
  if (o.target !== 'aws' || o.yes || plan.usd <= o.maxCostUsd) return;
  throw new ConfigError(
    `estimated cost ${formatUsd(plan.usd)} exceeds --max-cost-usd ${o.maxCostUsd}; re-run with --yes to proceed`,
  );
}
