/**
 * record-bytes.ts reads records from their bytes; whatever it reads, it must give what parsing them gives (chunk.ts
 * analyzeChunk with and without it). Thousands of seeded records of every kind, then lines that are odd in each way
 * the byte reader has to notice, each after a line that teaches it the shape. The odd lines come first: a worker
 * learns a bounded number of shapes, and the seeded records' variety uses them up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeChunk } from '../../../harness/analyze/chunk.js';
import { CsvBytes } from '../../../harness/analyze/csv.js';
import { learnShape, NEW_SHAPE, READ, readRecord } from '../../../harness/analyze/record-bytes.js';
import type { InvocationRecord } from '../../../harness/run/record.js';
import { seededRandom } from '../../../harness/statistics/random.js';
import {
  FACTS_COLD_XRAY,
  FACTS_JSON_REPORT,
  FACTS_SNAPSTART,
  FACTS_TIMEOUT,
  failedRecord,
  okRecord,
  RIE_REPORT,
  reportLine,
  workloadResponse,
} from '../../support/report-fixtures.js';

const random = seededRandom(20261126);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const chance = (p: number) => random() < p;
let ids = 0;
const newId = () =>
  `0b7e${String(ids++).padStart(4, '0')}-aaaa-4bbb-8ccc-${Math.floor(random() * 1e12)
    .toString(16)
    .padStart(12, '0')}`;

/** A figure as the runner writes them, or with more digits than a double prints exactly, or tiny. */
function figure(): number {
  const p = random();
  if (p < 0.7) return Math.round(random() * 100_000) / 100;
  if (p < 0.85) return Math.round(random() * 1000);
  if (p < 0.92) return random() * 1000;
  if (p < 0.96) return random() * 1e-7;
  if (p < 0.98) return 1e21 * random();
  return 0;
}

/** One record of any kind the runner writes, with its REPORTs (or not), seeded. */
function record(): InvocationRecord {
  const mode = pick(['sequential', 'worker_threads', 'child_process', 'fan_out'] as const);
  const workers = 1 + Math.floor(random() * 4);
  const memoryMb = pick([128, 1769, 3538, 10240, 1536.5]);
  const requestId = chance(0.97) ? newId() : null;
  const children =
    mode === 'fan_out'
      ? Array.from({ length: workers }, (_, i) => ({
          requestId: newId(),
          start: i,
          end: i + 1,
          workloadMs: figure(),
          coldStart: chance(0.2),
        }))
      : null;
  const childLines = (children ?? []).map((child) =>
    reportLine(child.requestId, { durationMs: figure(), billedMs: Math.ceil(figure()) + 1, memoryMb }),
  );
  // Fan-out whose REPORTs are not all carried, or carried twice.
  if (children !== null && chance(0.1)) childLines.pop();
  if (children !== null && chance(0.05)) childLines.push(childLines[0] as string);
  const own =
    requestId === null
      ? null
      : chance(0.85)
        ? reportLine(requestId, {
            durationMs: figure(),
            billedMs: Math.ceil(random() * 5000),
            memoryMb,
            ...(chance(0.2) ? { initMs: figure() } : {}),
            ...(chance(0.03) ? { status: pick(['timeout', 'error', 'odd']) } : {}),
          })
        : chance(0.5)
          ? null
          : pick([FACTS_COLD_XRAY, FACTS_JSON_REPORT, FACTS_SNAPSTART, FACTS_TIMEOUT, RIE_REPORT]);
  const response = workloadResponse({
    mode,
    workers,
    digest: chance(0.95) ? 'd1' : 'd2',
    workloadMs: figure(),
    cpuUserMs: figure(),
    cpuSystemMs: figure(),
    pool: chance(0.5) ? { kind: 'worker_threads', size: workers, created: chance(0.3), ids: [1, 2] } : null,
    children,
  });
  const base = {
    mode,
    workers,
    memoryMb,
    runId: chance(0.9) ? 'run-1' : pick(['run,2', 'run "3"']),
    target: pick(['aws', 'local'] as const),
    emulated: chance(0.5),
    arch: pick(['x86_64', 'arm64'] as const),
    warmup: chance(0.2),
    rep: Math.floor(random() * 30),
    requestId,
    reportLine: own,
    childReportLines: childLines,
    clientMs: figure(),
    expectedDigest: chance(0.95) ? 'd1' : null,
    hostOversubscription: chance(0.8) ? figure() : null,
    retries: pick([0, 0, 0, 0, 0, 0, 2, null]),
    executor: chance(0.9)
      ? null
      : {
          kind: 'docker' as const,
          dockerMode: 'rie' as const,
          image: 'public.ecr.aws/lambda/nodejs:22',
          imageStandin: true,
        },
  };
  if (chance(0.93)) return okRecord({ ...base, response: chance(0.98) ? response : { odd: true } });
  return failedRecord({
    ...base,
    status: pick(['error', 'timeout', 'throttled'] as const),
    errorType: 'Function.Failed',
    response: chance(0.5) ? null : { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
  });
}

/** analyzeChunk both ways over the same lines: the same results. */
function assertSameBothWays(lines: readonly string[], unterminated = false, what = 'chunk'): void {
  const bytes = Buffer.from(lines.join('\n'), 'utf8');
  // Bytes first: shapes are learnt from lines the parse accepted, in this call or earlier ones.
  const fromBytes = analyzeChunk(bytes, unterminated, true);
  const parsed = analyzeChunk(bytes, unterminated, false);
  assert.deepStrictEqual(fromBytes, parsed, what);
}

/** A record the byte reader reads (an ok, warm record with its REPORT), as one line. */
function plainLine(overrides: Record<string, unknown> = {}): string {
  const requestId = newId();
  return JSON.stringify(
    okRecord({
      mode: 'sequential',
      workers: 1,
      memoryMb: 1769,
      requestId,
      reportLine: reportLine(requestId, { durationMs: 101.25, billedMs: 102, memoryMb: 1769 }),
      ...overrides,
    }),
  );
}

test('odd lines, each after one of the same shape that teaches it: the same results as parsed, or the same error', () => {
  const teacher = plainLine();
  const odd: Array<[string, string]> = [
    ['a figure with trailing zeros', plainLine().replace('"clientMs":150', '"clientMs":150.50')],
    ['a figure with an exponent', plainLine().replace('"clientMs":150', '"clientMs":1.5e2')],
    ['negative zero', plainLine().replace('"rep":0', '"rep":-0')],
    ['a fractional rep', plainLine().replace('"rep":0', '"rep":0.5')],
    ['retries not whole', plainLine().replace('"retries":0', '"retries":1.5')],
    ['negative retries', plainLine().replace('"retries":0', '"retries":-1')],
    ['a huge figure', plainLine().replace('"clientMs":150', `"clientMs":1${'0'.repeat(400)}`)],
    ['an unknown target', plainLine().replace('"target":"aws"', '"target":"gcp"')],
    ['an escaped mode', plainLine().replace('"mode":"sequential"', '"mode":"sequenti\\u0061l"')],
    ['an escaped quote in the run id', plainLine().replace('"runId":"run-1"', '"runId":"run\\"1"')],
    ['a comma in the function name', plainLine().replace('"functionName":"vcpu-bench-1024"', '"functionName":"a,b"')],
    ['a raw tab in a string (not JSON)', plainLine().replace('"runId":"run-1"', '"runId":"run\t1"')],
    ['whitespace between tokens', plainLine().replace('"rep":0', '"rep": 0')],
    ['a key twice', plainLine().replace('"rep":0', '"rep":0,"rep":7')],
    ['an extra key', plainLine().replace('"rep":0', '"rep":0,"extra":{"a":[1,2]}')],
    ['a status in the REPORT', plainLine().replace('MB\\t"', 'MB\\tStatus: timeout\\t"')],
    ['a REPORT with a prefix', plainLine().replace('"reportLine":"REPORT', '"reportLine":"x REPORT')],
    ['a REPORT figure with leading zeros', plainLine().replace('Duration: 101.25 ms', 'Duration: 0101.250 ms')],
    ['a REPORT with spaces around a field', plainLine().replace('\\tBilled', '\\t Billed')],
    ['a figure with more decimals than the column keeps', plainLine().replace('"clientMs":150', '"clientMs":150.1234')],
    ['a whole figure of 22 digits', plainLine().replace('"clientMs":150', `"clientMs":1${'0'.repeat(21)}`)],
    ['a misspelt literal', plainLine().replace('"warmup":false', '"warmup":fslse')],
    ['a tiny figure without an exponent', plainLine().replace('"clientMs":150', '"clientMs":0.0000001')],
    ['the tiniest figure that prints as it is', plainLine().replace('"clientMs":150', '"clientMs":0.000001')],
    ['a REPORT without Max Memory Used', plainLine().replace('\\tMax Memory Used: 95 MB', '')],
    ['a REPORT with a field twice', plainLine().replace('\\tBilled', '\\tDuration: 7.5 ms\\tBilled')],
    ['a trailing comma', plainLine().replace('"rep":0', '"rep":0,')],
    ['a cut line', plainLine().slice(0, 300)],
    ['a blank line', ''],
    ['a CRLF line end', `${plainLine()}\r`],
  ];
  // Not a test of nothing: the teacher's twin is read from its bytes (before the seeded test below fills the shapes).
  const sink = { csv: new CsvBytes(), carried() {}, row() {}, record() {}, invocation() {} };
  const twin = Buffer.from(teacher);
  if (readRecord(twin, 0, twin.length, sink) === NEW_SHAPE) learnShape(twin, 0);
  const again = Buffer.from(plainLine());
  assert.equal(readRecord(again, 0, again.length, sink), READ);
  for (const [what, line] of odd) {
    assertSameBothWays([teacher, line, line], false, what);
    assertSameBothWays([teacher, line], true, `${what}, unterminated`);
  }
});

test('a chunk that is not ASCII is read as parsed, the same results', () => {
  assertSameBothWays([plainLine(), plainLine({ functionName: 'fonction-été' }), plainLine()], false, 'not ASCII');
});

test('thousands of seeded records of every kind: the same rows, tally and REPORTs read from bytes as parsed', () => {
  const lines = Array.from({ length: 6000 }, () => JSON.stringify(record()));
  for (let start = 0; start < lines.length; ) {
    const size = 1 + Math.floor(random() * 700);
    assertSameBothWays(lines.slice(start, start + size), false, `lines ${start}..${start + size}`);
    start += size;
  }
  // Not a test of nothing: most of these records are ones the byte reader reads.
  const sink = { csv: new CsvBytes(), carried() {}, row() {}, record() {}, invocation() {} };
  let read = 0;
  for (const line of lines) {
    const bytes = Buffer.from(line);
    const outcome = readRecord(bytes, 0, bytes.length, sink);
    if (outcome === READ) read++;
    else if (outcome === NEW_SHAPE) learnShape(bytes, 0);
  }
  assert.ok(read > lines.length * 0.25, `${read} of ${lines.length} read from their bytes`);
});
