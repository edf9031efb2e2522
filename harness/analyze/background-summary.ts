/**
 * What `experiment background` prints: a short table (one line per architecture, memory size and kind: its counts
 * summed over the gaps and pairs, the pairs whose environment was reclaimed apart) and one sentence of conclusion, both
 * computed from background.csv's rows alone. The CSV keeps every gap and pair apart.
 */
import { groupBy } from '../../lib/collections.js';
import { median } from '../statistics/statistics.js';
import { counted, formatCount, formatMs, formatUsd } from '../text/format.js';
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
  gapsMs: number[];
  emulated: boolean;
  cpuEnforced: boolean;
  /** Pairs not reclaimed, and of them those measured (start and collect answered with their reports). */
  pairs: number;
  measured: number;
  started: number;
  beforeResponse: number;
  /** Null when no measured pair reached the same environment again. */
  duringGap: number | null;
  ifRunning: number | null;
  afterThaw: number | null;
  lost: number;
  /** Pairs whose environment was reclaimed in the gap: the items still to do at the start's return, and lost. */
  reclaimedPairs: number;
  reclaimedOpen: number;
  reclaimedLost: number;
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

function groupOf(group: readonly BackgroundRow[]): BackgroundGroup {
  const first = group[0] as BackgroundRow;
  const kept = group.filter((r) => !r.reclaim);
  const measured = kept.filter((r) => r.started !== null);
  const reclaimed = group.filter((r) => r.reclaim && r.started !== null);
  return {
    arch: first.arch,
    memoryMb: first.memory_mb,
    kind: first.background,
    gapsMs: [...new Set(group.map((r) => r.gap_ms))].sort((a, b) => a - b),
    emulated: group.some((r) => r.emulated),
    cpuEnforced: group.every((r) => r.cpu_enforced),
    pairs: kept.length,
    measured: measured.length,
    started: sum(measured.map((r) => r.started)) ?? 0,
    beforeResponse: sum(measured.map((r) => r.completed_before_response)) ?? 0,
    duringGap: sum(measured.map((r) => r.completed_during_gap)),
    ifRunning: sum(measured.map((r) => r.if_running_during_gap)),
    afterThaw: sum(measured.map((r) => r.completed_after_thaw)),
    lost: sum(measured.map((r) => r.lost)) ?? 0,
    reclaimedPairs: group.filter((r) => r.reclaim).length,
    reclaimedOpen: sum(reclaimed.map((r) => (r.started ?? 0) - (r.completed_before_response ?? 0))) ?? 0,
    reclaimedLost: sum(reclaimed.map((r) => r.lost)) ?? 0,
    medianAwaitedMs: median(column(group, (r) => r.awaited_duration_ms)),
    medianAddsMs: median(column(group, (r) => r.awaiting_adds_ms)),
    medianAddsUsd: median(column(group, (r) => r.awaiting_adds_usd)),
  };
}

export function groupBackgroundRows(rows: readonly BackgroundRow[]): BackgroundGroup[] {
  return [...groupBy(rows, (r) => `${r.arch}\u0000${r.memory_mb}\u0000${r.background}`).values()].map(groupOf);
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

function pairsText(pairs: number, measured: number): string {
  return measured === pairs ? String(pairs) : `${measured}/${pairs}`;
}

function lineOf(g: BackgroundGroup): string[] {
  const kept = g.pairs > 0;
  return [
    `${g.arch}${g.emulated ? ` ${EMULATED_MARK}` : ''}${g.cpuEnforced ? '' : ` ${UNENFORCED_MARK}`}`,
    String(g.memoryMb),
    g.kind,
    g.gapsMs.map((ms) => formatMs(ms)).join(', '),
    kept ? pairsText(g.pairs, g.measured) : '-',
    kept ? countText(g.started) : '-',
    kept ? countText(g.beforeResponse) : '-',
    countText(g.duringGap),
    g.ifRunning === null ? '-' : `~${countText(g.ifRunning)}`,
    countText(g.afterThaw),
    kept ? countText(g.lost) : '-',
    String(g.reclaimedPairs),
    g.reclaimedPairs > 0 ? `${countText(g.reclaimedLost)} of ${countText(g.reclaimedOpen)}` : '-',
    g.medianAwaitedMs === null ? '-' : formatMs(g.medianAwaitedMs),
    addsText(g),
  ];
}

export function renderBackgroundTable(groups: readonly BackgroundGroup[]): string {
  const header = [
    'arch',
    'memory MB',
    'background',
    'gaps',
    'pairs',
    'started',
    'before response',
    'during gap',
    'if running',
    'after thaw',
    'lost',
    'reclaimed pairs',
    'lost when reclaimed',
    'awaited Duration',
    'awaiting adds',
  ];
  const table = renderTable(header, groups.map(lineOf), {
    style: 'markdown',
    rightAligned: (i) => i === 1 || i >= 3,
  });
  const legend = [
    'Items summed over the gaps and pairs (background.csv has each). pairs to lost: pairs whose environment was kept; if running: what the same work, awaited, would have completed in those gaps at its own rate.',
    'lost when reclaimed: of the items still to do when the environment was reclaimed. awaited Duration: median REPORT Duration of the same work awaited; awaiting adds: median, per pair, of its Duration and cost over the starting invocation.',
  ];
  if (groups.some((g) => g.emulated)) {
    legend.push(`${EMULATED_MARK} emulated: measured on the local emulator, not on AWS Lambda.`);
  }
  if (groups.some((g) => !g.cpuEnforced)) {
    legend.push(`${UNENFORCED_MARK} CPU quota not enforced: ran unthrottled, not comparable with Lambda.`);
  }
  return `${table}\n\n${legend.join('\n')}\n`;
}

/** `1 item`, `3 items`, `1,536 items`. */
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
      `background work completed ${counted(gap, 'item')} during the gaps, where a running environment would have completed about ${formatCount(Math.round(ifRunning))}${verdict(gap, ifRunning)}, and ${formatCount(after)} only once the next invocation thawed its environment`,
    );
  }
  if (gone.length > 0) {
    const lost = sum(gone.map((r) => r.lost)) ?? 0;
    const open = sum(gone.map((r) => (r.started ?? 0) - (r.completed_before_response ?? 0))) ?? 0;
    const why = gone.every((r) => r.reclaim) ? 'reclaimed' : 'reclaimed or not reached again';
    parts.push(
      `${formatCount(lost)} of the ${counted(open, 'item')} still to do when the environment was ${why} ${lost === 1 ? 'was' : 'were'} lost`,
    );
  }
  const addsMs = median(column(measured, (r) => r.awaiting_adds_ms));
  const addsUsd = median(column(measured, (r) => r.awaiting_adds_usd));
  const awaited =
    addsMs === null
      ? ''
      : `; awaiting the same work instead ${addsMs >= 0 ? 'added' : 'saved'} a median ${formatMs(Math.abs(addsMs))} of Duration${addsUsd === null ? '' : ` (${signed(addsUsd, formatUsd)})`} ${addsMs >= 0 ? 'to' : 'in'} the invocation that started it`;
  return `In ${counted(measured.length, 'pair')}, ${parts.join('; ')}${awaited}.`;
}
