/**
 * One OS process per execution environment, running our Runtime API client (runtime/bootstrap.js) on the function's
 * own code. The process enters its cgroups before it execs node, so its init is throttled like the rest of its life.
 * Without writable cgroups it runs unthrottled and says so; freezing then falls back to SIGSTOP of its process group.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { vcpuShare, visibleCores } from '../../harness/lambda/platform.js';
import { type CgroupSupport, detectCgroups, type EnvCgroup } from './cgroups.js';
import type { EnvExit, EnvHandle, EnvSpec, Executor } from './executor.js';

const BOOTSTRAP = fileURLToPath(new URL('./runtime/bootstrap.js', import.meta.url));

/**
 * V8's old space is sized from the function's memory, as the managed Node.js runtime's bootstrap does, so a heap that
 * outgrows the function fails like it does on Lambda rather than at V8's host-sized default.
 */
function nodeArgs(memoryMb: number): string[] {
  const oldSpaceMb = Math.max(32, Math.floor(memoryMb * 0.9) - Math.floor(memoryMb * 0.05));
  return [`--max-old-space-size=${oldSpaceMb}`];
}

/** Sum of the peak resident set of a process and its descendants, from /proc (the fallback without cgroups). */
function treePeakRssMb(rootPid: number): number | null {
  const children = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  let totalKb = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      totalKb += Number(hwm?.[1] ?? 0);
    } catch {
      continue;
    }
    stack.push(...children(pid));
  }
  return totalKb > 0 ? Math.round(totalKb / 1024) : null;
}

export class ProcessExecutor implements Executor {
  readonly kind = 'process';
  private readonly cgroups: CgroupSupport;
  private readonly groups = new Set<EnvCgroup>();

  constructor(
    cgroups: CgroupSupport = detectCgroups((process.env.VCPU_BENCH_CGROUP as 'auto' | 'v1' | 'v2' | 'none') ?? 'auto'),
  ) {
    this.cgroups = cgroups;
  }

  get cpuEnforced(): boolean {
    return this.cgroups.enforced;
  }

  get detail(): string {
    return this.cgroups.detail;
  }

  get cgroupMode(): CgroupSupport['mode'] {
    return this.cgroups.mode;
  }

  start(spec: EnvSpec): EnvHandle {
    const hostCores = os.cpus().length;
    const cpus = vcpuShare(spec.memoryMb);
    const group = this.cgroups.create(spec.id, {
      cpus,
      cores: Math.min(visibleCores(spec.memoryMb), hostCores),
      memoryMb: spec.memoryMb,
    });
    if (group) this.groups.add(group);
    const node = [process.execPath, ...nodeArgs(spec.memoryMb), BOOTSTRAP];
    // The shell joins the cgroups first and then execs node in place, keeping the pid.
    const script = 'for f in $VCPU_BENCH_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"';
    const child = spawn('/bin/sh', ['-c', script, 'vcpu-bench-env', ...node], {
      cwd: spec.codeDir,
      env: { ...spec.env, VCPU_BENCH_CGROUP_PROCS: group ? group.procsFiles.join(' ') : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so SIGSTOP/SIGKILL reach the workers and children it forks.
      detached: true,
    });
    let stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    // Read at exit, before the group is removed: whether the OOM killer fired, and the peak it reached.
    let oomAtExit = false;
    let peakAtExitMb: number | null = null;
    const exited = new Promise<EnvExit>((resolve) => {
      // A process that could not be started at all (no /bin/sh, no such node) ends the environment the same way.
      child.once('error', (error) => {
        stderrTail += `\n${error.message}`;
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
          resolve({ code: null, signal: null });
        }
      });
      child.once('exit', (code, signal) => {
        oomAtExit = (group?.oomKills() ?? 0) > 0;
        const bytes = group?.peakBytes();
        if (bytes !== null && bytes !== undefined) peakAtExitMb = Math.round(bytes / (1024 * 1024));
        // Workers and forked children may outlive the runtime process: end them with it.
        group?.killAll();
        signalGroup(child.pid, 'SIGKILL');
        resolve({ code, signal });
      });
    });
    let peakSampledMb: number | null = null;
    const handle: EnvHandle = {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      cpuQuota: group ? cpus : null,
      freeze: () => {
        if (group) group.freeze();
        else signalGroup(child.pid, 'SIGSTOP');
      },
      thaw: () => {
        if (group) group.thaw();
        else signalGroup(child.pid, 'SIGCONT');
      },
      kill: () => {
        group?.killAll();
        signalGroup(child.pid, 'SIGCONT');
        signalGroup(child.pid, 'SIGKILL');
      },
      maxMemoryUsedMb: () => {
        // The cgroup's peak misses file pages first charged elsewhere (node's own binary, shared libraries), which
        // Lambda's figure includes; the process tree's peak RSS has them. Report the larger of the two.
        const bytes = group?.peakBytes();
        const cgroupMb =
          peakAtExitMb ?? (bytes === null || bytes === undefined ? 0 : Math.round(bytes / (1024 * 1024)));
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          peakSampledMb = Math.max(peakSampledMb ?? 0, treePeakRssMb(child.pid) ?? 0);
        }
        return Math.max(cgroupMb, peakSampledMb ?? 0) || null;
      },
      outOfMemory: () => oomAtExit || (group?.oomKills() ?? 0) > 0 || /JavaScript heap out of memory/.test(stderrTail),
    };
    // Processes just killed take a moment to leave the group; a group with tasks cannot be removed.
    void exited.then(() =>
      setTimeout(() => {
        if (group?.remove()) this.groups.delete(group);
      }, 200).unref(),
    );
    return handle;
  }

  async dispose(): Promise<void> {
    for (const group of this.groups) group.killAll();
    // Killed processes leave their groups within milliseconds; give them up to two seconds.
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const group of this.groups) if (group.remove()) this.groups.delete(group);
      if (this.groups.size === 0 && this.cgroups.dispose()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}
