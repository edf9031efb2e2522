/**
 * What the function saw of its execution environment: cores, the cgroup CPU quota, memory size.
 * Lambda's visible cores differ from its CPU share (LAMBDA_FACTS.md, "Memory and CPU"), so both are reported.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface EnvironmentSeen {
  visibleCores: number;
  availableParallelism: number;
  memoryLimitMb: number | null;
  /** CPUs' worth of CFS quota (quota / period) on this process's cgroup or an ancestor; null when unlimited. */
  cgroupCpuQuota: number | null;
  nodeVersion: string;
  arch: string;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

interface CgroupMount {
  version: 1 | 2;
  root: string;
  mountPoint: string;
  controllers: string[];
}

/** cgroup mounts from /proc/self/mountinfo: "id parent major:minor root mountpoint opts ... - fstype source superopts". */
function cgroupMounts(): CgroupMount[] {
  const text = readText('/proc/self/mountinfo');
  if (!text) return [];
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType, , superOpts] = right.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (!root || !mountPoint) continue;
    if (fsType === 'cgroup2') mounts.push({ version: 2, root, mountPoint, controllers: [] });
    if (fsType === 'cgroup') mounts.push({ version: 1, root, mountPoint, controllers: (superOpts ?? '').split(',') });
  }
  return mounts;
}

/** Directories from the process's own cgroup up to the mount's root, deepest first. */
function ancestry(mount: CgroupMount, cgroupPath: string): string[] {
  const relative =
    mount.root !== '/' && cgroupPath.startsWith(mount.root) ? cgroupPath.slice(mount.root.length) : cgroupPath;
  const dirs: string[] = [];
  let dir = path.join(mount.mountPoint, relative);
  while (dir.startsWith(mount.mountPoint)) {
    dirs.push(dir);
    if (dir === mount.mountPoint) break;
    dir = path.dirname(dir);
  }
  return dirs;
}

export function cgroupCpuQuota(): number | null {
  const self = readText('/proc/self/cgroup');
  if (!self) return null;
  const mounts = cgroupMounts();
  let quota: number | null = null;
  const tighten = (cpus: number) => {
    if (cpus > 0 && (quota === null || cpus < quota)) quota = cpus;
  };
  for (const line of self.split('\n')) {
    const [hierarchy, controllers, cgroupPath] = line.split(':');
    if (hierarchy === undefined || controllers === undefined || cgroupPath === undefined) continue;
    if (hierarchy === '0' && controllers === '') {
      for (const mount of mounts.filter((m) => m.version === 2)) {
        for (const dir of ancestry(mount, cgroupPath)) {
          const max = readText(path.join(dir, 'cpu.max'));
          const [q, p] = (max ?? 'max').split(' ');
          if (q && q !== 'max' && p) tighten(Number(q) / Number(p));
        }
      }
    } else if (controllers.split(',').includes('cpu')) {
      for (const mount of mounts.filter((m) => m.version === 1 && m.controllers.includes('cpu'))) {
        for (const dir of ancestry(mount, cgroupPath)) {
          const q = Number(readText(path.join(dir, 'cpu.cfs_quota_us')) ?? -1);
          const p = Number(readText(path.join(dir, 'cpu.cfs_period_us')) ?? 0);
          if (q > 0 && p > 0) tighten(q / p);
        }
      }
    }
  }
  return quota === null ? null : Math.round((quota as number) * 1000) / 1000;
}

export function environmentSeen(): EnvironmentSeen {
  const memory = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return {
    visibleCores: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryLimitMb: Number.isFinite(memory) && memory > 0 ? memory : null,
    cgroupCpuQuota: cgroupCpuQuota(),
    nodeVersion: process.version,
    arch: process.arch,
  };
}
