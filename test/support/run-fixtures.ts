/**
 * A whole run directory made up for the report's tests: run.json and invocations.jsonl of a sweep over several
 * memory sizes and modes, each cell a cold warm-up (with an Init Duration) and measured repetitions, every record
 * with its REPORT line and fan_out children's. Durations follow the parallelism model with a fixed efficiency and
 * seeded noise: data shaped like a run's, so every chart has something to draw; nothing here is a measurement.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportLine } from '../../harness/lambda/log-format.js';
import { memoryForVcpus, RUNTIME } from '../../harness/lambda/platform.js';
import { billedDurationMs } from '../../harness/lambda/pricing.js';
import { parallelism } from '../../harness/model/parallelism.js';
import type { OkRecord } from '../../harness/run/record.js';
import { seededRandom } from '../../harness/statistics/random.js';
import { DIGEST, okRecord, workloadResponse } from './report-fixtures.js';

export interface SyntheticRunOptions {
  memories?: readonly number[];
  cells?: ReadonlyArray<Pick<OkRecord, 'mode' | 'workers'>>;
  reps?: number;
  items?: number;
  emulated?: boolean;
  hostCores?: number;
}

export const SYNTHETIC_MEMORIES = [0.5, 1, 1.5, 2, 3, 4].map(memoryForVcpus);
export const SYNTHETIC_CELLS: ReadonlyArray<Pick<OkRecord, 'mode' | 'workers'>> = [
  { mode: 'sequential', workers: 1 },
  { mode: 'worker_threads', workers: 2 },
  { mode: 'worker_threads', workers: 4 },
  { mode: 'child_process', workers: 2 },
  { mode: 'fan_out', workers: 2 },
];
/** One item's hashing at one full vCPU, and how much of the model's speedup each mode gets. */
const MS_PER_ITEM = 90;
const EFFICIENCY = { sequential: 1, worker_threads: 0.9, child_process: 0.8, fan_out: 0.85 } as const;

/** Writes run.json and invocations.jsonl into `dir` (created); returns the records written. */
export function writeSyntheticRun(dir: string, o: SyntheticRunOptions = {}): OkRecord[] {
  const memories = o.memories ?? SYNTHETIC_MEMORIES;
  const cells = o.cells ?? SYNTHETIC_CELLS;
  const reps = o.reps ?? 8;
  const items = o.items ?? 4;
  const emulated = o.emulated ?? true;
  const hostCores = o.hostCores ?? 4;
  const random = seededRandom(42);
  const records: OkRecord[] = [];
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
  for (const memoryMb of memories) {
    for (const { mode, workers } of cells) {
      const model = parallelism({ mode, workers, items, memoryMb, hostCores: emulated ? hostCores : null });
      const modelMs = (items * MS_PER_ITEM) / model.threadCpus / (1 + (model.idealSpeedup - 1) * EFFICIENCY[mode]);
      for (let i = 0; i <= reps; i++) {
        const warmup = i === 0;
        const durationMs = Math.round(modelMs * (0.96 + 0.08 * random()) * 100) / 100;
        const initMs = warmup ? Math.round((180 + 40 * random()) * 100) / 100 : null;
        const report = (requestId: string, ms: number, init: number | null) =>
          reportLine({
            requestId,
            durationMs: ms,
            billedDurationMs: billedDurationMs(ms, init),
            memorySizeMb: memoryMb,
            maxMemoryUsedMb: 90,
            initDurationMs: init,
            errorType: null,
            status: 'success',
          });
        const requestId = id();
        const childIds = mode === 'fan_out' ? Array.from({ length: Math.min(workers, items) }, id) : [];
        records.push(
          okRecord({
            runId: 'synthetic',
            target: emulated ? 'local' : 'aws',
            emulated,
            functionName: `vcpu-bench-x86_64-${memoryMb}`,
            memoryMb,
            mode,
            workers,
            items,
            rep: warmup ? 0 : i - 1,
            warmup,
            request: { mode, workers, items, algorithm: 'pbkdf2', cost: 1000, seed: 's' },
            requestId,
            reportLine: report(requestId, durationMs, initMs),
            childReportLines: childIds.map((cid) => report(cid, durationMs * 0.9, null)),
            hostOversubscription: emulated ? 0.5 : null,
            response: workloadResponse({
              mode,
              workers,
              items,
              digest: DIGEST,
              coldStart: warmup,
              pool:
                mode === 'worker_threads' || mode === 'child_process'
                  ? { kind: mode, size: workers, created: warmup, ids: [] }
                  : null,
              children:
                childIds.length === 0
                  ? null
                  : childIds.map((cid, c) => ({
                      requestId: cid,
                      start: c,
                      end: c + 1,
                      workloadMs: 1,
                      coldStart: false,
                    })),
              memoryLimitMb: memoryMb,
            }),
          }),
        );
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'invocations.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(
    path.join(dir, 'run.json'),
    `${JSON.stringify({
      runId: 'synthetic',
      createdAt: '2026-11-25T12:00:00.000Z',
      options: { memoryMb: memories, modes: [...new Set(cells.map((c) => c.mode))], items, algorithm: 'pbkdf2' },
      target: {
        kind: emulated ? 'local' : 'aws',
        description: 'made up by test/support/run-fixtures.ts',
        emulated,
        cpuEnforced: true,
      },
      host: { cores: hostCores, cpuModel: 'none: synthetic data' },
      versions: { harness: 'test', node: process.version, lambdaRuntime: RUNTIME },
      resumedAt: [],
    })}\n`,
  );
  return records;
}
