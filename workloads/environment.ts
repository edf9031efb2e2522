/**
 * What the function saw of its execution environment: cores, the cgroup CPU quota, memory size.
 * Lambda's visible cores differ from its CPU share (harness/lambda/README.md "Visible cores"), so both are reported.
 */
import os from 'node:os';
import path from 'node:path';
import { type CgroupMount, cgroupDir, cgroupMounts, ownCgroups, readProcText } from './cgroup-paths.js';

export interface EnvironmentSeen {
  visibleCores: number;
  availableParallelism: number;
  memoryLimitMb: number | null;
  /** CPUs' worth of CFS quota (quota / period) on this process's cgroup or an ancestor; null when unlimited. */
  cgroupCpuQuota: number | null;
  nodeVersion: string;
  arch: string;
}

/** Directories from the process's own cgroup up to the mount's root, deepest first. */
function ancestry(mount: CgroupMount, cgroupPath: string): string[] {
  const dirs: string[] = [];
  for (let dir = cgroupDir(mount, cgroupPath); dir.startsWith(mount.mountPoint); dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === mount.mountPoint) break;
  }
  return dirs;
}

export function cgroupCpuQuota(): number | null {
  const mounts = cgroupMounts();
  let quota: number | null = null;
  const tighten = (cpus: number) => {
    if (cpus > 0 && (quota === null || cpus < quota)) quota = cpus;
  };
  for (const [controller, cgroupPath] of ownCgroups()) {
    if (controller === '') {
      for (const mount of mounts.filter((m) => m.type === 'cgroup2')) {
        for (const dir of ancestry(mount, cgroupPath)) {
          const [q, p] = (readProcText(path.join(dir, 'cpu.max')) ?? 'max').split(' ');
          if (q && q !== 'max' && p) tighten(Number(q) / Number(p));
        }
      }
    } else if (controller === 'cpu') {
      for (const mount of mounts.filter((m) => m.type === 'cgroup' && m.options.includes('cpu'))) {
        for (const dir of ancestry(mount, cgroupPath)) {
          const q = Number(readProcText(path.join(dir, 'cpu.cfs_quota_us')) ?? -1);
          const p = Number(readProcText(path.join(dir, 'cpu.cfs_period_us')) ?? 0);
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
