/**
 * What `experiment background` prints: a short table (one line per memory size, kind, gap and reclaim setting, its
 * counts summed over the pairs) and one sentence of conclusion, both computed from background.csv's rows alone.
 */
import { groupBy } from '../../lib/collections.js';
import { median } from '../statistics/statistics.js';
import { formatCount, formatMs, formatUsd } from '../text/format.js';
import { renderTable } from '../text/table.js';
import type { BackgroundRow } from './background.js';

/** Below this share of what a running environment would have done in the gaps, the freeze stopped the work. */
const STOPPED_BELOW = 0.25;
/** Above this share, it did not. */
const RUNNING_ABOVE = 0.75;

const EMULATED_MARK = '*';
const UNENFORCED_MARK = '!';

export interface BackgroundGroup {
  arch: string;
  memoryMb: number;
  kind: string;
  gapMs: number;
  reclaim: boolean;
  emulated: boolean;
  cpuEnforced: boolean;
  pairs: number;
  /** Pairs whose start and collect both answered with their reports. */
  measured: number;
  started: number;
  beforeResponse: number;
  /** Null when no pair of the group reached the same environment again. */
  duringGap: number | null;
  ifRunning: number | null;
  afterThaw: number | null;
  lost: number;
  medianStartMs: number | null;
  medianAwaitedMs: number | null;
  medianAddsMs: number | null;
  medianAddsUsd: number | null;
}

function sum(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function column(rows: readonly BackgroundRow[], pick: (row: BackgroundRow) => number | null): number[] {
  return rows.map(pick).filter((v): v is number => v !== null);
}

export function groupBackgroundRows(rows: readonly BackgroundRow[]): BackgroundGroup[] {
  const groups = groupBy(
    rows,
    (r) => `${r.arch}\u0000${r.memory_mb}\u0000${r.background}\u0000${r.reclaim}\u0000${r.gap_ms}`,
  );
  return [...groups.values()].map((group) => {
    const first = group[0] as BackgroundRow;
    const measured = group.filter((r) => r.started !== null);
    return {
      arch: first.arch,
      memoryMb: first.memory_mb,
      kind: first.background,
      gapMs: first.gap_ms,
      reclaim: first.reclaim,
      emulated: group.some((r) => r.emulated),
      cpuEnforced: group.every((r) => r.cpu_enforced),
      pairs: group.length,
      measured: measured.length,
      started: sum(measured.map((r) => r.started)) ?? 0,
      beforeResponse: sum(measured.map((r) => r.completed_before_response)) ?? 0,
      duringGap: sum(measured.map((r) => r.completed_during_gap)),
      ifRunning: sum(measured.map((r) => r.if_running_during_gap)),
      afterThaw: sum(measured.map((r) => r.completed_after_thaw)),
      lost: sum(measured.map((r) => r.lost)) ?? 0,
      medianStartMs: median(column(group, (r) => r.start_duration_ms)),
      medianAwaitedMs: median(column(group, (r) => r.awaited_duration_ms)),
      medianAddsMs: median(column(group, (r) => r.awaiting_adds_ms)),
      medianAddsUsd: median(column(group, (r) => r.awaiting_adds_usd)),
    };
  });
}

function countText(value: number | null): string {
  return value === null ? '-' : formatCount(Math.round(value));
}

/** A difference with its sign: `+312 ms`, `-$0.0000010`. */
function signed(value: number, format: (magnitude: number) => string): string {
  return `${value < 0 ? '-' : '+'}${format(Math.abs(value))}`;
}

function addsText(g: BackgroundGroup): string {
  if (g.medianAddsMs === null) return '-';
  const usd = g.medianAddsUsd === null ? '' : `, ${signed(g.medianAddsUsd, formatUsd)}`;
  return `${signed(g.medianAddsMs, formatMs)}${usd}`;
}

export function renderBackgroundTable(groups: readonly BackgroundGroup[]): string {
  const header = [
    'arch',
    'memory MB',
    'background',
    'gap',
    'reclaimed',
    'pairs',
    'started',
    'before response',
    'during gap',
    'if running',
    'after thaw',
    'lost',
    'start Duration',
    'awaited Duration',
    'awaiting adds',
  ];
  const lines = groups.map((g) => [
    `${g.arch}${g.emulated ? ` ${EMULATED_MARK}` : ''}${g.cpuEnforced ? '' : ` ${UNENFORCED_MARK}`}`,
    String(g.memoryMb),
    g.kind,
    formatMs(g.gapMs),
    g.reclaim ? 'yes' : 'no',
    g.measured === g.pairs ? String(g.pairs) : `${g.measured}/${g.pairs}`,
    countText(g.started),
    countText(g.beforeResponse),
    countText(g.duringGap),
    g.ifRunning === null ? '-' : `~${countText(g.ifRunning)}`,
    countText(g.afterThaw),
    countText(g.lost),
    g.medianStartMs === null ? '-' : formatMs(g.medianStartMs),
    g.medianAwaitedMs === null ? '-' : formatMs(g.medianAwaitedMs),
    addsText(g),
  ]);
  const table = renderTable(header, lines, {
    style: 'markdown',
    rightAligned: (i) => i === 1 || i >= 3,
  });
  const legend = [
    'Items summed over the pairs. if running: what the same work, awaited, would have completed in the gap at its own rate.',
    'Durations: median REPORT Duration of the starting invocation and of the same work awaited; awaiting adds: median difference per pair, Duration and USD.',
  ];
  if (groups.some((g) => g.emulated)) {
    legend.push(`${EMULATED_MARK} emulated: measured on the local emulator, not on AWS Lambda.`);
  }
  if (groups.some((g) => !g.cpuEnforced)) {
    legend.push(`${UNENFORCED_MARK} CPU quota not enforced: ran unthrottled, not comparable with Lambda.`);
  }
  return `${table}\n\n${legend.join('\n')}\n`;
}

function verdict(duringGap: number, ifRunning: number): string {
  if (ifRunning <= 0) return '';
  const share = duringGap / ifRunning;
  if (share <= STOPPED_BELOW) return ': the freeze stopped it';
  if (share >= RUNNING_ABOVE) return ': it kept running, so nothing froze the environment';
  return ': the freeze only partly stopped it';
}

/** One sentence, from the rows: what the freeze did, what a reclaim did, and what awaiting costs instead. */
export function backgroundConclusion(rows: readonly BackgroundRow[]): string {
  const measured = rows.filter((r) => r.started !== null);
  if (measured.length === 0) return 'No pair was measured: see the error column of background.csv.';
  const kept = measured.filter((r) => r.completed_during_gap !== null);
  const gone = measured.filter((r) => r.completed_during_gap === null);
  const parts: string[] = [];
  if (kept.length > 0) {
    const gap = sum(kept.map((r) => r.completed_during_gap)) ?? 0;
    const ifRunning = sum(kept.map((r) => r.if_running_during_gap)) ?? 0;
    const after = sum(kept.map((r) => r.completed_after_thaw)) ?? 0;
    parts.push(
      `background work completed ${formatCount(gap)} items during the gaps, where a running environment would have completed about ${formatCount(Math.round(ifRunning))}${verdict(gap, ifRunning)}, and ${formatCount(after)} only once the next invocation thawed its environment`,
    );
  }
  if (gone.length > 0) {
    const lost = sum(gone.map((r) => r.lost)) ?? 0;
    const open = sum(gone.map((r) => (r.started ?? 0) - (r.completed_before_response ?? 0))) ?? 0;
    const why = gone.every((r) => r.reclaim) ? 'reclaimed' : 'reclaimed or not reached again';
    parts.push(
      `${formatCount(lost)} of the ${formatCount(open)} items still to do when the environment was ${why} were lost`,
    );
  }
  const addsMs = median(column(measured, (r) => r.awaiting_adds_ms));
  const addsUsd = median(column(measured, (r) => r.awaiting_adds_usd));
  const awaited =
    addsMs === null
      ? ''
      : `; awaiting the same work instead ${addsMs >= 0 ? 'added' : 'saved'} a median ${formatMs(Math.abs(addsMs))} of Duration${addsUsd === null ? '' : ` (${signed(addsUsd, formatUsd)})`} ${addsMs >= 0 ? 'to' : 'in'} the invocation that started it`;
  return `In ${formatCount(measured.length)} pairs, ${parts.join('; ')}${awaited}.`;
}
