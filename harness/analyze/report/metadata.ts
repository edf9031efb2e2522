/**
 * The run's metadata for the report, from run.json as parsed JSON: label and value pairs of what the run was (id,
 * target, host, versions, the sweep). Read leniently, field by field: a run.json from an older revision or another
 * machine still gives whatever it holds, and a missing field is left out rather than failing the analysis.
 */
import { isRecord, numberField, stringField } from '../../../lib/guards.js';

export interface MetadataItem {
  label: string;
  value: string;
}

function list(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map((v) => String(v)).join(', ');
}

function num(value: unknown, field: string): string | null {
  const n = numberField(value, field);
  return n === null ? null : String(n);
}

function yesNo(value: unknown, field: string): string | null {
  const v = isRecord(value) ? value[field] : undefined;
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : null;
}

/** The parts that exist, joined; null when none does. */
function joined(parts: ReadonlyArray<string | null>, separator = ', '): string | null {
  const present = parts.filter((p): p is string => p !== null && p !== '');
  return present.length === 0 ? null : present.join(separator);
}

function sweepItems(options: unknown): Array<[string, string | null]> {
  if (!isRecord(options)) return [];
  const reps = joined([num(options, 'minReps'), num(options, 'maxReps')], '-');
  return [
    ['Memory swept (MB)', list(options.memoryMb)],
    ['Architectures', list(options.arch)],
    ['Modes', list(options.modes)],
    ['Workers', list(options.workers)],
    [
      'Workload',
      joined([
        stringField(options, 'algorithm'),
        num(options, 'cost') === null ? null : `cost ${num(options, 'cost')}`,
        num(options, 'items') === null ? null : `${num(options, 'items')} items per invocation`,
      ]),
    ],
    [
      'Repetitions',
      joined([
        reps === null ? null : `${reps} per cell`,
        num(options, 'warmup') === null ? null : `${num(options, 'warmup')} warm-up`,
        num(options, 'ciPct') === null ? null : `stop at a median 95% CI within ${num(options, 'ciPct')}%`,
      ]),
    ],
  ];
}

/** What the report shows of run.json, in order; empty when it is missing or not a JSON object. */
export function runMetadata(manifest: unknown): MetadataItem[] {
  if (!isRecord(manifest)) return [];
  const { target, host, versions, options } = manifest;
  const items: Array<[string, string | null]> = [
    ['Run', stringField(manifest, 'runId')],
    ['Started', stringField(manifest, 'createdAt')],
    ['Resumed', list(manifest.resumedAt)],
    ['Target', stringField(target, 'description') ?? stringField(target, 'kind')],
    ['Emulated', yesNo(target, 'emulated')],
    ['CPU quota enforced', yesNo(target, 'cpuEnforced')],
    [
      'Host',
      joined([
        stringField(host, 'cpuModel'),
        num(host, 'cores') === null ? null : `${num(host, 'cores')} cores`,
        num(host, 'memoryGb') === null ? null : `${num(host, 'memoryGb')} GB`,
        joined([stringField(host, 'platform'), stringField(host, 'arch')], ' '),
      ]),
    ],
    [
      'Versions',
      joined([
        stringField(versions, 'harness') === null ? null : `harness ${stringField(versions, 'harness')}`,
        stringField(versions, 'node') === null ? null : `Node.js ${stringField(versions, 'node')}`,
        stringField(versions, 'lambdaRuntime') === null ? null : `runtime ${stringField(versions, 'lambdaRuntime')}`,
      ]),
    ],
    ...sweepItems(options),
  ];
  return items.filter((item): item is [string, string] => item[1] !== null).map(([label, value]) => ({ label, value }));
}
