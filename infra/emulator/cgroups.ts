/**
 * Linux cgroups for execution environments: a CPU quota of the memory's vCPU share (CFS quota per period), a cpuset of the
 * cores Lambda would show (capped at the host's), a memory limit, and the freezer. cgroup v1 (one hierarchy per
 * controller) and v2 (one delegated subtree) are both supported; detection tries what the host lets us write and
 * says why when neither works. Nothing here pretends: `enforced` is false whenever the quota is not applied.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CPU_PERIOD_US } from '../../harness/lambda/platform.js';
import { errnoCode, errorReason } from '../../lib/fs.js';
import { pidAlive } from '../../lib/process.js';
import { type CgroupMount, cgroupDir, cgroupMounts, ownCgroups, readProcText } from '../../workloads/cgroup-paths.js';
import { formatCpuList } from './cores.js';

// Lambda enforces the CPU quota in short periods (harness/lambda/README.md "CPU quota period").
export const CFS_PERIOD_US = Number(process.env.VCPU_BENCH_CFS_PERIOD_US ?? CPU_PERIOD_US);
// The kernel refuses a CFS quota below 1 ms.
const MIN_QUOTA_US = 1_000;

export interface EnvLimits {
  /** CPUs' worth of quota: the memory's vCPU share. */
  cpus: number;
  /** The host cores the environment may run on (cores.ts: Lambda's visible cores, from the emulator's cpuset). */
  cores: readonly number[];
  memoryMb: number;
}

export interface EnvCgroup {
  /** Files the environment's first process writes its pid to, before it execs the runtime. */
  readonly procsFiles: string[];
  /** The group's directories, one per hierarchy. */
  readonly dirs: string[];
  freeze(): void;
  thaw(): void;
  /** Change the CPU quota (INIT runs with its own quota, then the handler with the memory's share). */
  setCpus(cpus: number): void;
  /** Peak memory of the group since it was made, in bytes; null where the kernel does not keep it. */
  peakBytes(): number | null;
  /** How many times the kernel's OOM killer fired in the group. */
  oomKills(): number;
  /** Kill every process left in the group (thawing it first: a frozen task takes SIGKILL only once thawed). */
  killAll(): void;
  /** True when the group is gone. */
  remove(): boolean;
}

export interface CgroupSupport {
  mode: 'v1' | 'v2' | 'none';
  /** Why this mode: where it writes, or why no mode could be used. */
  detail: string;
  /** True when CPU quota, cpuset and memory limit are applied. */
  enforced: boolean;
  create(id: string, limits: EnvLimits): EnvCgroup | null;
  /** Removes the emulator's base cgroups (call after every environment is gone); true when they are gone. */
  dispose(): boolean;
}

function write(file: string, value: string): void {
  writeFileSync(file, value);
}

/** True when the directory is gone. A cgroup with tasks cannot be removed yet; that is not worth failing over. */
function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return errnoCode(error) === 'ENOENT';
  }
}

/** Base groups left by an emulator that died without cleaning up (`vcpu-bench-<dead pid>`), under `parent`. */
function staleBases(parent: string): string[] {
  try {
    return readdirSync(parent)
      .filter((name) => {
        const m = /^vcpu-bench-(\d+)$/.exec(name);
        return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
      })
      .map((name) => path.join(parent, name));
  } catch {
    return [];
  }
}

function envDirs(base: string): string[] {
  try {
    return readdirSync(base, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(base, e.name));
  } catch {
    return [];
  }
}

/**
 * Cleans up after emulators that died without doing so (killed with SIGKILL, say): their environments may still be
 * running, or frozen forever. Thaw them, kill them, wait a moment for the kernel to empty their groups, remove them.
 */
function sweepStale(parents: string[]): void {
  const bases = parents.flatMap(staleBases);
  if (bases.length === 0) return;
  for (const dir of bases.flatMap(envDirs)) {
    try {
      if (existsSync(path.join(dir, 'freezer.state'))) write(path.join(dir, 'freezer.state'), 'THAWED');
      if (existsSync(path.join(dir, 'cgroup.freeze'))) write(path.join(dir, 'cgroup.freeze'), '0');
    } catch {
      // not ours to thaw, or gone
    }
    killPidsIn(path.join(dir, 'cgroup.procs'));
  }
  // Start-up only, and only when something was left behind: a short synchronous wait for the kills to land.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  for (const base of bases) {
    for (const dir of envDirs(base)) tryRmdir(dir);
    tryRmdir(base);
  }
}

function quotaUs(cpus: number): number {
  return Math.max(MIN_QUOTA_US, Math.round(cpus * CFS_PERIOD_US));
}

// ---------- cgroup v1: cpu, cpuset, memory and freezer, each its own hierarchy ----------

const V1_CONTROLLERS = ['cpu', 'cpuset', 'memory', 'freezer'] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];

/** This process's group in each mounted v1 hierarchy (mountinfo and /proc/self/cgroup read once). */
function v1Parents(): Map<V1Controller, string> {
  const mounts = cgroupMounts();
  const own = ownCgroups();
  const parents = new Map<V1Controller, string>();
  for (const c of V1_CONTROLLERS) {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes(c));
    if (mount) parents.set(c, cgroupDir(mount, own.get(c) ?? '/'));
  }
  return parents;
}

/** The emulator's base group in each v1 hierarchy, made now; a string says why it cannot be. */
function v1Bases(parents: Map<V1Controller, string>, baseName: string): Map<V1Controller, string> | string {
  const bases = new Map<V1Controller, string>();
  for (const c of V1_CONTROLLERS) {
    const parent = parents.get(c);
    if (!parent) return `cgroup v1: no ${c} hierarchy mounted`;
    const base = path.join(parent, baseName);
    try {
      mkdirSync(base, { recursive: true });
      if (c === 'cpuset') {
        // A cpuset group takes tasks only once it has cpus and mems: inherit the parent's.
        write(path.join(base, 'cpuset.cpus'), readProcText(path.join(parent, 'cpuset.cpus')) ?? '0');
        write(path.join(base, 'cpuset.mems'), readProcText(path.join(parent, 'cpuset.mems')) ?? '0');
      }
    } catch (error) {
      return `cgroup v1: cannot write ${base} (${errorReason(error)})`;
    }
    bases.set(c, base);
  }
  return bases;
}

/** Writes an environment's limits into its v1 groups (one directory per controller). */
function writeV1Limits(dirs: Record<V1Controller, string>, mems: string, limits: EnvLimits): void {
  write(path.join(dirs.cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
  write(path.join(dirs.cpu, 'cpu.cfs_quota_us'), String(quotaUs(limits.cpus)));
  write(path.join(dirs.cpuset, 'cpuset.cpus'), formatCpuList(limits.cores));
  write(path.join(dirs.cpuset, 'cpuset.mems'), mems);
  const bytes = String(limits.memoryMb * 1024 * 1024);
  write(path.join(dirs.memory, 'memory.limit_in_bytes'), bytes);
  // Without a swap limit the group could page out instead of meeting the OOM killer; not every kernel has it.
  if (existsSync(path.join(dirs.memory, 'memory.memsw.limit_in_bytes'))) {
    try {
      write(path.join(dirs.memory, 'memory.memsw.limit_in_bytes'), bytes);
    } catch {
      // swap accounting disabled
    }
  }
}

function killPidsIn(procsFile: string): void {
  for (const pid of (readProcText(procsFile) ?? '').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

function v1Group(dirs: Record<V1Controller, string>): EnvCgroup {
  const freezerState = path.join(dirs.freezer, 'freezer.state');
  return {
    procsFiles: V1_CONTROLLERS.map((c) => path.join(dirs[c], 'cgroup.procs')),
    dirs: Object.values(dirs),
    freeze: () => write(freezerState, 'FROZEN'),
    thaw: () => write(freezerState, 'THAWED'),
    setCpus: (cpus) => write(path.join(dirs.cpu, 'cpu.cfs_quota_us'), String(quotaUs(cpus))),
    peakBytes: () => {
      const v = readProcText(path.join(dirs.memory, 'memory.max_usage_in_bytes'));
      return v === null ? null : Number(v);
    },
    oomKills: () => {
      const text = readProcText(path.join(dirs.memory, 'memory.oom_control')) ?? '';
      const match = /oom_kill (\d+)/.exec(text);
      if (match) return Number(match[1]);
      // Kernels before 4.13 lack oom_kill: a hit of the limit is the best sign there is.
      return Number(readProcText(path.join(dirs.memory, 'memory.failcnt')) ?? 0) > 0 ? 1 : 0;
    },
    killAll: () => {
      try {
        write(freezerState, 'THAWED');
      } catch {
        // already gone
      }
      killPidsIn(path.join(dirs.memory, 'cgroup.procs'));
    },
    remove: () => Object.values(dirs).map(tryRmdir).every(Boolean),
  };
}

/** Makes `dirs`, then `fill` them; if anything fails, the directories made go again before the error is thrown. */
function createOrUndo<T>(dirs: string[], fill: () => T): T {
  try {
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    return fill();
  } catch (error) {
    for (const dir of dirs) tryRmdir(dir);
    throw error;
  }
}

function detectV1(baseName: string): CgroupSupport | string {
  const parents = v1Parents();
  sweepStale([...parents.values()]);
  const bases = v1Bases(parents, baseName);
  if (typeof bases === 'string') return bases;
  const baseOf = (c: V1Controller) => bases.get(c) as string;
  // The memory nodes environments take: the base's, which it inherited from its parent and which do not change.
  const mems = readProcText(path.join(baseOf('cpuset'), 'cpuset.mems')) ?? '0';
  return {
    mode: 'v1',
    detail: `cgroup v1 under ${baseOf('cpu')} (cpu, cpuset, memory, freezer hierarchies)`,
    enforced: true,
    create(id, limits) {
      const dirs = Object.fromEntries(V1_CONTROLLERS.map((c) => [c, path.join(baseOf(c), id)])) as Record<
        V1Controller,
        string
      >;
      return createOrUndo(Object.values(dirs), () => {
        writeV1Limits(dirs, mems, limits);
        return v1Group(dirs);
      });
    },
    dispose: () => [...bases.values()].map(tryRmdir).every(Boolean),
  };
}

// ---------- cgroup v2: one hierarchy, a delegated subtree with cpu, cpuset and memory enabled ----------

function controllersAt(dir: string): string[] {
  return (readProcText(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Where the emulator's v2 groups go. cgroup v2's "no internal processes" rule: a group that enables controllers for
 * its children may hold no process itself. The hierarchy's root is exempt, so as root (or at a container's own
 * cgroup-namespace root) the base goes there. Otherwise this process's own cgroup must be delegated to it and hold
 * nothing else: it moves into a leaf of its own, and nothing else is ever moved.
 */
function v2Base(mount: CgroupMount, ownDir: string, baseName: string, wanted: string): string {
  const enable = (dir: string) => write(path.join(dir, 'cgroup.subtree_control'), wanted);
  const errors: string[] = [];
  try {
    enable(mount.mountPoint);
    const base = path.join(mount.mountPoint, baseName);
    sweepStale([mount.mountPoint]);
    mkdirSync(base, { recursive: true });
    enable(base);
    return base;
  } catch (error) {
    errors.push(`${mount.mountPoint}: ${errorReason(error)}`);
  }
  if (ownDir !== mount.mountPoint) {
    const others = (readProcText(path.join(ownDir, 'cgroup.procs')) ?? '')
      .split('\n')
      .filter((pid) => pid && Number(pid) !== process.pid);
    if (others.length > 0) {
      throw new Error(
        `${errors.join('; ')}; ${ownDir} holds other processes (${others.length}): run under a delegated cgroup of its own, e.g. systemd-run --user --scope -p Delegate=yes npm run bench`,
      );
    }
    try {
      const leaf = path.join(ownDir, `${baseName}-main`);
      mkdirSync(leaf, { recursive: true });
      write(path.join(leaf, 'cgroup.procs'), String(process.pid));
      enable(ownDir);
      const base = path.join(ownDir, baseName);
      sweepStale([ownDir]);
      mkdirSync(base, { recursive: true });
      enable(base);
      return base;
    } catch (error) {
      errors.push(`${ownDir}: ${errorReason(error)}`);
    }
  }
  throw new Error(`cannot write a delegated subtree (${errors.join('; ')})`);
}

function v2Group(dir: string): EnvCgroup {
  return {
    procsFiles: [path.join(dir, 'cgroup.procs')],
    dirs: [dir],
    freeze: () => write(path.join(dir, 'cgroup.freeze'), '1'),
    thaw: () => write(path.join(dir, 'cgroup.freeze'), '0'),
    setCpus: (cpus) => write(path.join(dir, 'cpu.max'), `${quotaUs(cpus)} ${CFS_PERIOD_US}`),
    peakBytes: () => {
      // memory.peak exists from Linux 5.19.
      const v = readProcText(path.join(dir, 'memory.peak'));
      return v === null ? null : Number(v);
    },
    oomKills: () => Number(/oom_kill (\d+)/.exec(readProcText(path.join(dir, 'memory.events')) ?? '')?.[1] ?? 0),
    killAll: () => {
      if (existsSync(path.join(dir, 'cgroup.kill'))) {
        appendFileSync(path.join(dir, 'cgroup.kill'), '1');
        return;
      }
      write(path.join(dir, 'cgroup.freeze'), '0');
      killPidsIn(path.join(dir, 'cgroup.procs'));
    },
    remove: () => tryRmdir(dir),
  };
}

/** The controllers usable below this process's v2 group; a string says what is missing. */
function v2Controllers(mount: CgroupMount, ownDir: string): { withCpuset: boolean } | string {
  const available = controllersAt(ownDir === mount.mountPoint ? mount.mountPoint : path.dirname(ownDir)).concat(
    controllersAt(ownDir),
  );
  const missing = ['cpu', 'memory'].filter((c) => !available.includes(c));
  if (missing.length > 0) return `cgroup v2: controllers ${missing.join(', ')} not available at ${ownDir}`;
  // Without cpuset the quota and memory still apply; only the cores a function sees are not capped.
  return { withCpuset: available.includes('cpuset') };
}

function detectV2(baseName: string): CgroupSupport | string {
  const mount = cgroupMounts().find((m) => m.type === 'cgroup2');
  if (!mount) return 'cgroup v2: not mounted';
  const own = ownCgroups().get('');
  if (own === undefined) return 'cgroup v2: this process is in no v2 cgroup';
  const ownDir = cgroupDir(mount, own);
  const controllers = v2Controllers(mount, ownDir);
  if (typeof controllers === 'string') return controllers;
  const { withCpuset } = controllers;
  let base: string;
  try {
    base = v2Base(mount, ownDir, baseName, withCpuset ? '+cpu +cpuset +memory' : '+cpu +memory');
  } catch (error) {
    return `cgroup v2: ${errorReason(error)}`;
  }
  return {
    mode: 'v2',
    detail: `cgroup v2 under ${base}${withCpuset ? '' : ' (no cpuset controller: visible cores not capped)'}`,
    enforced: true,
    create(id, limits) {
      const dir = path.join(base, id);
      return createOrUndo([dir], () => {
        write(path.join(dir, 'cpu.max'), `${quotaUs(limits.cpus)} ${CFS_PERIOD_US}`);
        if (withCpuset) write(path.join(dir, 'cpuset.cpus'), formatCpuList(limits.cores));
        write(path.join(dir, 'memory.max'), String(limits.memoryMb * 1024 * 1024));
        if (existsSync(path.join(dir, 'memory.swap.max'))) write(path.join(dir, 'memory.swap.max'), '0');
        return v2Group(dir);
      });
    },
    dispose: () => tryRmdir(base),
  };
}

function unenforced(detail: string): CgroupSupport {
  return { mode: 'none', detail, enforced: false, create: () => null, dispose: () => true };
}

export type CgroupPreference = 'auto' | 'v1' | 'v2' | 'none';

/**
 * Picks the cgroup mode. `auto` tries v2 when it is the only hierarchy with controllers, else v1, then the other;
 * VCPU_BENCH_CGROUP (auto|v1|v2|none) overrides, for tests and for hosts where detection guesses wrong.
 */
export function detectCgroups(preference: CgroupPreference = 'auto'): CgroupSupport {
  const baseName = `vcpu-bench-${process.pid}`;
  if (os.platform() !== 'linux') return unenforced(`cgroups: not Linux (${os.platform()})`);
  if (preference === 'none') return unenforced('cgroups: disabled (VCPU_BENCH_CGROUP=none)');
  const tried: string[] = [];
  const order: Array<'v1' | 'v2'> =
    preference === 'v1'
      ? ['v1']
      : preference === 'v2'
        ? ['v2']
        : cgroupMounts().some((m) => m.type === 'cgroup')
          ? ['v1', 'v2']
          : ['v2', 'v1'];
  for (const mode of order) {
    const result = mode === 'v1' ? detectV1(baseName) : detectV2(baseName);
    if (typeof result !== 'string') return result;
    tried.push(result);
  }
  return unenforced(tried.join('; '));
}
