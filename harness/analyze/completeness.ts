/**
 * What a run should have REPORT lines for, which of them were found, and what the run actually cost. Every
 * invocation Lambda ran is billed: warm-ups, cold starts, failures and each fan-out child included, so the actual
 * cost is the sum over every REPORT of the run; an invocation whose REPORT was not found is listed as missing,
 * never guessed. A call that never reached a function (throttled to the end, a network error) has no request id and
 * no REPORT: Lambda ran nothing, and nothing is expected of it.
 *
 * RunTally takes records one at a time, so the streaming analyzer (analyze.ts) keeps only the counts and the missing
 * entries in memory; completeness() and actualCost() are the same over records held whole.
 */
import { HashedStringSet, stringHash32 } from '../../lib/collections.js';
import { gbSeconds, invocationCostUsd } from '../lambda/pricing.js';
import type { ReportFields } from '../lambda/report-line.js';
import type { InvocationRecord } from '../run/record.js';
import { type CarriedReports, carriedReports, responseChildIds } from './rows.js';

/** One invocation the run made (or a fan-out child one of them made), whose REPORT line should exist. */
export interface ExpectedReport {
  requestId: string;
  /** `invocation` for the runner's own calls, `fan-out child` for the invocations a fan_out parent made. */
  kind: 'invocation' | 'fan-out child';
  /** For a child, the request id of the parent invocation that made it. */
  parentRequestId: string | null;
  functionName: string;
  arch: InvocationRecord['arch'];
  memoryMb: number;
  mode: InvocationRecord['mode'];
  workers: number;
  rep: number;
  warmup: boolean;
}

export interface Completeness {
  expected: number;
  found: number;
  /** The invocations whose REPORT was not found, in run order. */
  missing: ExpectedReport[];
}

export interface ActualCost {
  /** USD at the us-east-1 first-tier price of each invocation's arch (harness/lambda/pricing.ts), over every REPORT found. */
  usd: number;
  gbSeconds: number;
  /** Invocations costed: one per REPORT found, fan-out children included. */
  invocations: number;
  childInvocations: number;
  /** False while some expected REPORT is missing: `usd` is then a lower bound. */
  complete: boolean;
}

/**
 * The request ids of the invocations of one record that Lambda ran, in order: the record's own (when it has a request
 * id), then those of the fan-out children its response lists. Each is passed to `visit` with whether it is a child.
 */
function visitExpected(record: InvocationRecord, visit: (requestId: string, child: boolean) => void): void {
  if (record.requestId === null) return;
  visit(record.requestId, false);
  const children = responseChildIds(record.response);
  if (children === null) return;
  for (const id of children) if (id !== null) visit(id, true);
}

/** The invocations of one record that Lambda ran (visitExpected), each with its cell, as the run's report lists them. */
export function expectedOf(record: InvocationRecord): ExpectedReport[] {
  const cell = {
    functionName: record.functionName,
    arch: record.arch,
    memoryMb: record.memoryMb,
    mode: record.mode,
    workers: record.workers,
    rep: record.rep,
    warmup: record.warmup,
  };
  const expected: ExpectedReport[] = [];
  visitExpected(record, (requestId, child) => {
    expected.push(
      child
        ? { requestId, kind: 'fan-out child', parentRequestId: record.requestId, ...cell }
        : { requestId, kind: 'invocation', parentRequestId: null, ...cell },
    );
  });
  return expected;
}

/** Every invocation of the run that Lambda ran, in run order, each request id once. */
export function expectedReports(records: readonly InvocationRecord[]): ExpectedReport[] {
  const seen = new Set<string>();
  return records.flatMap(expectedOf).filter((e) => !seen.has(e.requestId) && seen.add(e.requestId) !== undefined);
}

/**
 * The REPORT a record carries for one of its expected invocations: its own line for itself, its attached child
 * lines for its children; null when it carries none.
 */
function carriedFor(carried: CarriedReports, requestId: string, child: boolean): ReportFields | null {
  return child ? (carried.children.find((r) => r.requestId === requestId) ?? null) : carried.own;
}

/** Whether an expected invocation is a fan-out child (carriedFor, foundEntry). */
const isChild = (entry: ExpectedReport) => entry.kind === 'fan-out child';

/** An expected invocation whose REPORT was found, and what it cost. */
export interface FoundEntry {
  requestId: string;
  child: boolean;
  usd: number;
  gbSeconds: number;
}

/**
 * What a record that carries all its REPORTs adds to the tally (RunTally.add with no logs): computed where the record
 * is parsed (harness/analyze/chunk.ts, perhaps on another thread), then counted in file order (countRecords and
 * addFound, which is what add does).
 */
export interface CompleteTally {
  retries: number | null;
  throttled: boolean;
  emulated: boolean;
  entries: FoundEntry[];
}

function foundEntry(
  requestId: string,
  child: boolean,
  report: ReportFields,
  arch: InvocationRecord['arch'],
): FoundEntry {
  return {
    requestId,
    child,
    usd: invocationCostUsd(report.billedDurationMs, report.memorySizeMb, arch),
    gbSeconds: gbSeconds(report.billedDurationMs, report.memorySizeMb),
  };
}

/** A record's share of the tally when it carries every REPORT it expects (reportsWanted is empty). */
export function completeTallyOf(record: InvocationRecord, carried: CarriedReports): CompleteTally {
  const entries: FoundEntry[] = [];
  visitExpected(record, (requestId, child) => {
    const report = carriedFor(carried, requestId, child);
    if (report === null) throw new RangeError(`${requestId}: a complete record carries every REPORT it expects`);
    entries.push(foundEntry(requestId, child, report, record.arch));
  });
  return { retries: record.retries, throttled: record.status === 'throttled', emulated: record.emulated, entries };
}

/** The run tallied record by record: REPORTs expected and found, the missing ones, cost, throttling. */
export class RunTally {
  expected = 0;
  found = 0;
  readonly missing: ExpectedReport[] = [];
  readonly cost: ActualCost = { usd: 0, gbSeconds: 0, invocations: 0, childInvocations: 0, complete: true };
  records = 0;
  /** Sum of `retries`; null while no record had the field. */
  retries: number | null = null;
  throttled = 0;
  emulated = false;
  private readonly seen = new HashedStringSet();

  /** One record, its REPORTs taken from its own lines first, then from `reports` (the run's logs). */
  add(
    record: InvocationRecord,
    reports: ReadonlyMap<string, ReportFields>,
    carried: CarriedReports = carriedReports(record),
  ): void {
    this.countRecords(1, record.retries, record.status === 'throttled' ? 1 : 0, record.emulated);
    for (const entry of expectedOf(record)) {
      const report = carriedFor(carried, entry.requestId, isChild(entry)) ?? reports.get(entry.requestId) ?? null;
      if (report === null) this.addMissing(entry);
      else {
        const found = foundEntry(entry.requestId, isChild(entry), report, entry.arch);
        this.addFound(found.requestId, found.child, found.usd, found.gbSeconds);
      }
    }
  }

  /** `count` records, `retries` their summed retries (null: none had the field), `throttled` of them throttled. */
  countRecords(count: number, retries: number | null, throttled: number, emulated: boolean): void {
    this.records += count;
    if (retries !== null) this.retries = (this.retries ?? 0) + retries;
    this.throttled += throttled;
    if (emulated) this.emulated = true;
  }

  /**
   * An expected invocation with its REPORT (a FoundEntry, field by field: a chunk's tally arrives as columns, with
   * each request id's stringHash32); one already counted (the same request id) is not counted again.
   */
  addFound(requestId: string, child: boolean, usd: number, gbSeconds: number, hash?: number): void {
    this.addFoundSlice(requestId, 0, requestId.length, child, usd, gbSeconds, hash ?? stringHash32(requestId));
  }

  /** addFound of the request id `ids.slice(start, end)`, whose stringHash32 is `hash`, without making that string. */
  addFoundSlice(
    ids: string,
    start: number,
    end: number,
    child: boolean,
    usd: number,
    gbSeconds: number,
    hash: number,
  ): void {
    if (!this.seen.addSlice(ids, start, end, hash)) return;
    this.expected += 1;
    this.found += 1;
    this.cost.usd += usd;
    this.cost.gbSeconds += gbSeconds;
    this.cost.invocations += 1;
    if (child) this.cost.childInvocations += 1;
  }

  private addMissing(entry: ExpectedReport): void {
    if (!this.seen.add(entry.requestId)) return;
    this.expected += 1;
    this.missing.push(entry);
    this.cost.complete = false;
  }

  get completeness(): Completeness {
    return { expected: this.expected, found: this.found, missing: this.missing };
  }
}

function tally(records: readonly InvocationRecord[], reports: ReadonlyMap<string, ReportFields>): RunTally {
  const t = new RunTally();
  for (const record of records) t.add(record, reports);
  return t;
}

export function completeness(
  records: readonly InvocationRecord[],
  reports: ReadonlyMap<string, ReportFields>,
): Completeness {
  return tally(records, reports).completeness;
}

/** The run's cost from the billed duration of every REPORT found for it. */
export function actualCost(
  records: readonly InvocationRecord[],
  reports: ReadonlyMap<string, ReportFields>,
): ActualCost {
  return tally(records, reports).cost;
}

/**
 * What waiting for late REPORT lines needs of a run, small enough to hold for a large one: how many REPORTs it
 * expects, those its records do not carry (only the logs can have them), and the functions and times to search.
 */
export interface LateReportScope {
  expected: number;
  wanted: ExpectedReport[];
  records: Array<Pick<InvocationRecord, 'functionName' | 'startedAt' | 'clientMs'>>;
}

export function newLateReportScope(): LateReportScope {
  return { expected: 0, wanted: [], records: [] };
}

/** Adds one record to the scope. */
export function addToScope(scope: LateReportScope, record: InvocationRecord): void {
  const { functionName, startedAt, clientMs } = record;
  scope.records.push({ functionName, startedAt, clientMs });
  const carried = carriedReports(record);
  for (const entry of expectedOf(record)) {
    scope.expected += 1;
    if (carriedFor(carried, entry.requestId, isChild(entry)) === null) scope.wanted.push(entry);
  }
}
