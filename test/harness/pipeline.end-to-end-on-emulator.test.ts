import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { MB_PER_VCPU, memoryForVcpus } from '../../harness/lambda/platform.js';
import { parseReportLine } from '../../harness/lambda/report-line.js';
import type { InvocationRecord } from '../../harness/run/record.js';
import { runCli } from '../support/cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-e2e-'));
after(() => rmSync(out, { recursive: true, force: true }));

// Half a vCPU and one: enough for a knee to have a memory below it, and for fan_out's ideal speedup (2) to be fitted.
const MEMORIES = [memoryForVcpus(0.5), MB_PER_VCPU];
const CELLS_PER_MEMORY = 5;

test('bench on the embedded emulator: plan -> deploy -> run -> analyze, CSVs agree with the raw jsonl', async () => {
  const result = await runCli([
    'bench',
    '--memory',
    MEMORIES.join(','),
    '--modes',
    'sequential,worker_threads,fan_out',
    '--workers',
    '1,2',
    '--algorithm',
    'bcrypt',
    '--cost',
    '4',
    '--items',
    '2',
    '--min-reps',
    '3',
    '--max-reps',
    '3',
    '--out',
    out,
    '--run-id',
    'e2e',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const dir = path.join(out, 'e2e');
  for (const f of ['run.json', 'invocations.jsonl', 'invocations.csv', 'summary.csv'])
    assert.ok(existsSync(path.join(dir, f)), f);
  assert.match(result.stdout, /sequential x1/);
  assert.match(result.stdout, /emulated/);

  const records = readFileSync(path.join(dir, 'invocations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as InvocationRecord);
  // Per memory, 5 cells (sequential once, worker_threads x1 x2, fan_out x1 x2), each 1 warm-up + 3 reps, plus an
  // unmeasured pool-sizing call whenever the interleaved rounds switch worker_threads between x1 and x2.
  const cells = MEMORIES.length * CELLS_PER_MEMORY;
  assert.equal(records.filter((r) => !r.warmup).length, cells * 3);
  assert.ok(
    records.every((r) => r.status === 'ok'),
    JSON.stringify(records.find((r) => r.status !== 'ok')),
  );
  assert.ok(records.filter((r) => r.warmup).length >= cells);
  const sizing = records.filter((r) => r.warmup).length - cells;
  assert.ok(
    sizing <= MEMORIES.length * 6,
    `at most one sizing call per measured worker_threads invocation, saw ${sizing}`,
  );
  for (const r of records) {
    assert.equal(typeof r.hostOversubscription, 'number', 'the emulator reports host oversubscription for every row');
  }

  const rows = parse(readFileSync(path.join(dir, 'invocations.csv'), 'utf8'), { columns: true }) as Array<
    Record<string, string>
  >;
  assert.equal(rows.length, records.length);
  const childReports = new Map(
    readFileSync(path.join(dir, 'cloudwatch-reports.log'), 'utf8')
      .split('\n')
      .map((line) => parseReportLine(line))
      .filter((report) => report !== null)
      .map((report) => [report.requestId, report]),
  );
  for (const [i, r] of records.entries()) {
    const row = rows[i] as Record<string, string>;
    const report = parseReportLine(r.reportLine ?? '');
    assert.ok(report, 'every record carries its REPORT line');
    assert.equal(row.request_id, r.requestId);
    assert.equal(Number(row.duration_ms), report.durationMs);
    assert.equal(Number(row.billed_ms), report.billedDurationMs);
    assert.equal(row.mode, r.mode);
    assert.equal(row.emulated, 'true');
    assert.equal(row.digest_ok, 'true');
    assert.equal(row.warmup, String(r.warmup));
    if (r.mode === 'fan_out') {
      // The parent's billed time and request fee plus each child's, by hand from the REPORT lines: x86_64 prices.
      const cost = (billedMs: number) => (billedMs / 1000) * (r.memoryMb / 1024) * 0.0000166667 + 0.2 / 1_000_000;
      const childIds = ((r.response as { children: Array<{ requestId: string }> }).children ?? []).map(
        (c) => c.requestId,
      );
      assert.equal(childIds.length, r.workers);
      const childBilled = childIds.map((id) => {
        const child = childReports.get(id);
        assert.ok(child, `the REPORT of fan-out child ${id} was collected`);
        return child.billedDurationMs;
      });
      const expected = cost(report.billedDurationMs) + childBilled.reduce((sum, b) => sum + cost(b), 0);
      assert.ok(
        Math.abs(Number(row.cost_usd) - expected) <= expected * 1e-8,
        `fan_out cost ${row.cost_usd}, by hand ${expected}`,
      );
    }
  }
  const summary = parse(readFileSync(path.join(dir, 'summary.csv'), 'utf8'), { columns: true }) as Array<
    Record<string, string>
  >;
  assert.equal(summary.length, cells);
  for (const s of summary) {
    const warm = rows.filter(
      (row) => row.memory_mb === s.memory_mb && row.mode === s.mode && row.workers === s.workers && row.warm === 'true',
    );
    for (const row of warm) {
      assert.equal(row.warmup, 'false');
      assert.equal(row.cold, 'false');
      assert.equal(row.status, 'ok');
    }
    assert.equal(Number(s.n), warm.length, `${s.mode} x${s.workers}`);
    const sorted = warm.map((row) => Number(row.duration_ms)).sort((a, b) => a - b);
    // The median of an even count is the mean of the two middle values (a cell may have lost a row to warmth).
    const middle =
      (sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.floor(sorted.length / 2)] as number);
    // summary.csv rounds to 3 decimals; toFixed(2) on a median ending in 5 rounds either way in binary, so compare values.
    assert.ok(Math.abs(Number(s.median_ms) - middle / 2) < 0.001, `median ${s.median_ms} vs ${middle / 2}`);
  }
  for (const seq of summary.filter((s) => s.mode === 'sequential')) assert.equal(seq.speedup_vs_sequential, '1');

  const manifest = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { host: { cores: number } };
  checkDerivedCsvs(dir, rows, manifest.host.cores);

  // The report (the browser test opens one; here: bench wrote it, emulated, with its charts inline).
  const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /<p class="banner"><strong>Emulated\.<\/strong>/);
  const charts = [...html.matchAll(/<figure class="chart" id="([a-z-]+)"[^>]*>\n<svg /g)].map((m) => m[1]);
  // Every cell's warm-up was a cold start, so the Init chart has points too.
  assert.deepEqual(charts, ['duration-vs-memory', 'speedup-vs-vcpu', 'cost-vs-duration', 'init-vs-memory']);
  assert.match(result.stdout, /report\.html/);
});

/** The median of a sorted sample, by hand: the middle value, or the mean of the two middle values. */
function middle(sorted: readonly number[]): number {
  return (
    ((sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.floor(sorted.length / 2)] as number)) / 2
  );
}

/** A figure a CSV rounded (6 significant digits, 3 decimals for ms) against one recomputed here. */
function near(csv: string | undefined, expected: number, what: string): void {
  assert.ok(csv !== undefined && csv !== '', `${what}: empty, expected ${expected}`);
  assert.ok(
    Math.abs(Number(csv) - expected) <= Math.abs(expected) * 1e-5 + 1e-3,
    `${what}: ${csv}, by hand ${expected}`,
  );
}

interface HandCell {
  memoryMb: number;
  mode: string;
  workers: number;
  medianMs: number;
  costPer1kUsd: number;
  speedup: number;
}

/** Each cell's median, cost per 1,000 items and speedup, from the warm rows of invocations.csv alone. */
function handCells(rows: ReadonlyArray<Record<string, string>>): HandCell[] {
  const warm = rows.filter((row) => row.warm === 'true');
  const keys = [...new Set(warm.map((row) => `${row.memory_mb}|${row.mode}|${row.workers}`))];
  const cells = keys.map((key) => {
    const [memory, mode, workers] = key.split('|') as [string, string, string];
    const mine = warm.filter((row) => row.memory_mb === memory && row.mode === mode && row.workers === workers);
    const durations = mine.map((row) => Number(row.duration_ms)).sort((a, b) => a - b);
    const costs = mine.map((row) => Number(row.cost_usd)).sort((a, b) => a - b);
    const items = Number(mine[0]?.items);
    return {
      memoryMb: Number(memory),
      mode,
      workers: Number(workers),
      medianMs: middle(durations),
      costPer1kUsd: (middle(costs) / items) * 1000,
      speedup: 0,
    };
  });
  for (const cell of cells) {
    const sequential = cells.find((c) => c.memoryMb === cell.memoryMb && c.mode === 'sequential');
    assert.ok(sequential, `a sequential baseline at ${cell.memoryMb} MB`);
    cell.speedup = sequential.medianMs / cell.medianMs;
  }
  return cells;
}

/** vcpu.csv, scaling.csv and amdahl.csv, each figure recomputed from invocations.csv's rows and the model. */
function checkDerivedCsvs(dir: string, rows: ReadonlyArray<Record<string, string>>, hostCores: number): void {
  const read = (file: string) =>
    parse(readFileSync(path.join(dir, file), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const cells = handCells(rows);
  const cellOf = (row: Record<string, string>) => {
    const cell = cells.find(
      (c) => c.memoryMb === Number(row.memory_mb) && c.mode === row.mode && c.workers === Number(row.workers),
    );
    assert.ok(cell, `a cell of warm rows for ${row.memory_mb} MB ${row.mode} x${row.workers}`);
    return cell;
  };

  const vcpu = read('vcpu.csv');
  assert.equal(vcpu.length, cells.length);
  for (const row of vcpu) {
    const cell = cellOf(row);
    const what = `vcpu.csv ${cell.memoryMb} MB ${cell.mode} x${cell.workers}`;
    near(row.median_ms, cell.medianMs, `${what} median_ms`);
    near(row.vcpu_share, cell.memoryMb / MB_PER_VCPU, `${what} vcpu_share`);
    near(row.speedup_vs_sequential, cell.speedup, `${what} speedup`);
    near(row.cost_per_1k_items_usd, cell.costPer1kUsd, `${what} cost per 1k items`);
    // Two items; at most one vCPU here, so the pool gets the share and fan_out one share per child, host-capped.
    const share = Math.min(1, cell.memoryMb / MB_PER_VCPU);
    const slices = cell.mode === 'sequential' ? 1 : Math.min(cell.workers, 2);
    const usable = cell.mode === 'fan_out' ? Math.min(slices * share, hostCores) : Math.min(share, hostCores);
    near(row.usable_cpus, usable, `${what} usable_cpus`);
    near(row.ideal_speedup, usable / Math.min(share, hostCores), `${what} ideal_speedup`);
    // Three warm rows are too few for a 95% interval of the median.
    assert.equal(row.ci95_low_ms, '', `${what}: no interval from ${row.n} rows`);
    assert.equal(row.emulated, 'true');
  }

  const scaling = read('scaling.csv');
  assert.equal(scaling.length, CELLS_PER_MEMORY);
  for (const row of scaling) {
    const line = cells
      .filter((c) => c.mode === row.mode && c.workers === Number(row.workers))
      .sort((a, b) => a.memoryMb - b.memoryMb);
    const bestFrom = (i: number) => Math.min(...line.slice(i).map((c) => c.medianMs));
    const knee = line.find((c, i) => c.medianMs <= 1.05 * bestFrom(i));
    assert.ok(knee);
    const what = `scaling.csv ${row.mode} x${row.workers}`;
    assert.equal(Number(row.knee_memory_mb), knee.memoryMb, what);
    near(row.knee_median_ms, knee.medianMs, `${what} knee median`);
    near(row.best_median_ms, bestFrom(0), `${what} best median`);
    near(row.speedup_at_knee, knee.speedup, `${what} speedup at knee`);
    const below = line.filter((c) => c.memoryMb < knee.memoryMb).at(-1);
    assert.equal(row.previous_memory_mb, below === undefined ? '' : String(below.memoryMb), what);
    assert.equal(Number(row.memories_swept), MEMORIES.length, what);
  }

  const amdahl = read('amdahl.csv');
  assert.deepEqual(amdahl.map((row) => row.mode).sort(), ['fan_out', 'worker_threads']);
  // At most one vCPU, a pool of threads gets no more CPU than sequential: ideal 1, nothing to fit.
  const threads = amdahl.find((row) => row.mode === 'worker_threads');
  assert.equal(threads?.n_cells, '0');
  assert.equal(threads?.serial_fraction, '');
  // fan_out x2 runs two children of one share each: P = 2 at both memories, on a host with two cores or more.
  const fanOut = amdahl.find((row) => row.mode === 'fan_out');
  const fitted = cells.filter((c) => c.mode === 'fan_out' && c.workers === 2);
  if (hostCores >= 2) {
    const p = 2;
    assert.equal(Number(fanOut?.n_cells), fitted.length);
    // f = sum(x y) / sum(x^2) with x = 1 - 1/P, y = 1/s - 1/P: one P for every cell, so f = mean(y) / x.
    const x = 1 - 1 / p;
    const f = fitted.reduce((sum, c) => sum + (1 / c.speedup - 1 / p), 0) / fitted.length / x;
    near(fanOut?.serial_fraction, f, 'amdahl.csv fan_out serial_fraction');
    const low = Number(fanOut?.serial_fraction_ci95_low);
    const high = Number(fanOut?.serial_fraction_ci95_high);
    assert.ok(fanOut?.serial_fraction_ci95_low !== '' && low <= high, `interval ${low}..${high}`);
    assert.equal(fanOut?.bootstrap_resamples, '1000');
  }
}
