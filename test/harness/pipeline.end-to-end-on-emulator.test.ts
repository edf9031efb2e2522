import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { parseReportLine } from '../../harness/lambda/report-line.js';
import type { InvocationRecord } from '../../harness/run/record.js';
import { runCli } from '../support/cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-e2e-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('bench on the embedded emulator: plan -> deploy -> run -> analyze, CSVs agree with the raw jsonl', async () => {
  const result = await runCli([
    'bench',
    '--memory',
    '1769',
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
  // 5 cells (sequential once, worker_threads x1 x2, fan_out x1 x2), each 1 warm-up + 3 reps, plus an unmeasured
  // pool-sizing call whenever the interleaved rounds switch worker_threads between x1 and x2.
  assert.equal(records.filter((r) => !r.warmup).length, 5 * 3);
  assert.ok(
    records.every((r) => r.status === 'ok'),
    JSON.stringify(records.find((r) => r.status !== 'ok')),
  );
  assert.ok(records.filter((r) => r.warmup).length >= 5);
  const sizing = records.filter((r) => r.warmup).length - 5;
  assert.ok(sizing <= 6, `at most one sizing call per measured worker_threads invocation, saw ${sizing}`);
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
      // The parent's billed time and request fee plus each child's, by hand from the REPORT lines: 1769 MB x86_64.
      const cost = (billedMs: number) => (billedMs / 1000) * (1769 / 1024) * 0.0000166667 + 0.2 / 1_000_000;
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
  assert.equal(summary.length, 5);
  for (const s of summary) {
    const warm = rows.filter((row) => row.mode === s.mode && row.workers === s.workers && row.warm === 'true');
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
  const seq = summary.find((s) => s.mode === 'sequential');
  assert.equal(seq?.speedup_vs_sequential, '1');
});
