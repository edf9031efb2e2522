/**
 * One OS process per execution environment, running our Runtime API client (runtime/bootstrap.js) on the function's
 * own code. The process enters its cgroups before it execs node, so its init is throttled like the rest of its life,
 * and runs in the sandbox (sandbox.ts): its own /tmp and an unprivileged user where the host allows. Without writable
 * cgroups it runs unthrottled and says so; freezing then falls back to SIGSTOP of its process group.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CgroupPreference, type CgroupSupport, detectCgroups, type EnvCgroup } from './cgroups.js';
import type { EnvExit, EnvHandle, EnvSpec, Executor } from './executor.js';
import { detectSandbox, type Sandbox, sandboxEnv, sandboxed } from './sandbox.js';

const BOOTSTRAP = fileURLToPath(new URL('./runtime/bootstrap.js', import.meta.url));

/** The package the runtime client belongs to (its package.json makes it an ES module): it must stay visible to it. */
function packageRootOf(file: string): string {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const RUNTIME_PACKAGE = packageRootOf(BOOTSTRAP);

/**
 * V8's old space is sized from the function's memory, as the managed Node.js runtime's bootstrap does, so a heap that
 * outgrows the function fails like it does on Lambda rather than at V8's host-sized default.
 */
function nodeArgs(memoryMb: number): string[] {
  const oldSpaceMb = Math.max(32, Math.floor(memoryMb * 0.9) - Math.floor(memoryMb * 0.05));
  return [`--max-old-space-size=${oldSpaceMb}`];
}

/** Sum of the peak resident set of a process and its descendants, from /proc (the fallback without cgroups). */
export function treePeakRssMb(rootPid: number): number | null {
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

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** VCPU_BENCH_CGROUP, checked: auto (the default), v1, v2 or none. */
function cgroupPreference(): CgroupPreference {
  const value = process.env.VCPU_BENCH_CGROUP ?? 'auto';
  if (value === 'auto' || value === 'v1' || value === 'v2' || value === 'none') return value;
  throw new Error(`VCPU_BENCH_CGROUP=${value}: allowed auto, v1, v2 or none`);
}

/** The shell joins the cgroups first and then execs the rest in place, keeping the pid. */
const JOIN_CGROUPS = 'for f in $VCPU_BENCH_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"';

/** What the kernel says about a group at the moment its first process exits, before the group is removed. */
interface ExitFacts {
  oom: boolean;
  peakMb: number | null;
}

export class ProcessExecutor implements Executor {
  readonly kind = 'process';
  private readonly cgroups: CgroupSupport;
  private readonly sandbox: Sandbox;
  private readonly groups = new Set<EnvCgroup>();

  constructor(cgroups?: CgroupSupport, sandbox?: Sandbox) {
    this.cgroups = cgroups ?? detectCgroups(cgroupPreference());
    this.sandbox = sandbox ?? detectSandbox([process.execPath, BOOTSTRAP, RUNTIME_PACKAGE]);
  }

  get cpuEnforced(): boolean {
    return this.cgroups.enforced;
  }

  get detail(): string {
    return `${this.cgroups.detail}; ${this.sandbox.detail}`;
  }

  start(spec: EnvSpec): EnvHandle {
    const group = this.cgroups.create(spec.id, { cpus: spec.initCpus, cores: spec.cores, memoryMb: spec.memoryMb });
    if (group) this.groups.add(group);
    let child: ChildProcess;
    try {
      child = this.spawnEnvironment(spec, group);
    } catch (error) {
      // Nothing runs in the group: it goes now rather than leak.
      if (group?.remove()) this.groups.delete(group);
      throw error;
    }
    const facts: ExitFacts = { oom: false, peakMb: null };
    const stderrTail = { text: '' };
    const exited = this.watchExit(child, group, facts, stderrTail);
    // Processes just killed take a moment to leave the group; a group with tasks cannot be removed.
    void exited.then(() =>
      setTimeout(() => {
        if (group?.remove()) this.groups.delete(group);
      }, 200).unref(),
    );
    return this.handle(child, group, exited, facts, stderrTail, spec);
  }

  /** The environment's private directory (TMPDIR where /tmp cannot be private), owned by the user it runs as. */
  private prepareScratch(spec: EnvSpec): string {
    const tmp = path.join(spec.scratchDir, 'tmp');
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    if (this.sandbox.mode === 'private') chownSync(tmp, this.sandbox.uid, this.sandbox.gid);
    return tmp;
  }

  private spawnEnvironment(spec: EnvSpec, group: EnvCgroup | null): ChildProcess {
    const tmp = this.prepareScratch(spec);
    const node = [process.execPath, ...nodeArgs(spec.memoryMb), BOOTSTRAP];
    const argv = sandboxed(this.sandbox, node);
    const child = spawn('/bin/sh', ['-c', JOIN_CGROUPS, 'vcpu-bench-env', ...argv], {
      cwd: spec.codeDir,
      env: {
        ...spec.env,
        // The sandbox user has no home (no passwd entry): libraries that look for one (the AWS SDK's config files)
        // find the environment's own /tmp.
        ...(this.sandbox.mode === 'shared' ? { TMPDIR: tmp, HOME: tmp } : { HOME: '/tmp' }),
        ...sandboxEnv(spec.tmpMb, spec.codeDir, RUNTIME_PACKAGE),
        VCPU_BENCH_CGROUP_PROCS: group ? group.procsFiles.join(' ') : '',
      },
      // stdin carries the Runtime API token, then closes (see EnvSpec.runtimeToken).
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so SIGSTOP/SIGKILL reach the workers and children it forks.
      detached: true,
    });
    child.stdin?.on('error', () => {
      // the process died before reading it: its exit says why
    });
    child.stdin?.end(spec.runtimeToken);
    return child;
  }

  /** Resolves when the environment's process is gone, after noting what the kernel knows of its end. */
  private watchExit(
    child: ChildProcess,
    group: EnvCgroup | null,
    facts: ExitFacts,
    stderrTail: { text: string },
  ): Promise<EnvExit> {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail.text = (stderrTail.text + chunk.toString('utf8')).slice(-4096);
    });
    return new Promise<EnvExit>((resolve) => {
      // A process that could not be started at all (no /bin/sh, no such node) ends the environment the same way.
      child.once('error', (error) => {
        stderrTail.text += `\n${error.message}`;
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
          resolve({ code: null, signal: null });
        }
      });
      child.once('exit', (code, signal) => {
        // Read at exit, before the group is removed: whether the OOM killer fired, and the peak it reached.
        facts.oom = (group?.oomKills() ?? 0) > 0;
        const bytes = group?.peakBytes();
        if (bytes !== null && bytes !== undefined) facts.peakMb = Math.round(bytes / (1024 * 1024));
        // Workers and forked children may outlive the runtime process: end them with it.
        group?.killAll();
        signalGroup(child.pid, 'SIGKILL');
        resolve({ code, signal });
      });
    });
  }

  private handle(
    child: ChildProcess,
    group: EnvCgroup | null,
    exited: Promise<EnvExit>,
    facts: ExitFacts,
    stderrTail: { text: string },
    spec: EnvSpec,
  ): EnvHandle {
    let peakSampledMb: number | null = null;
    let cpuQuota = group ? spec.initCpus : null;
    const { stdout, stderr } = child;
    if (!stdout || !stderr) throw new Error('the environment process has no output pipes');
    return {
      pid: child.pid,
      stdout,
      stderr,
      exited,
      get cpuQuota() {
        return cpuQuota;
      },
      endInit: () => {
        if (!group || cpuQuota === spec.cpus) return;
        group.setCpus(spec.cpus);
        cpuQuota = spec.cpus;
      },
      cgroupDirs: group?.dirs ?? [],
      freeze: () => (group ? group.freeze() : signalGroup(child.pid, 'SIGSTOP')),
      thaw: () => (group ? group.thaw() : signalGroup(child.pid, 'SIGCONT')),
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
          facts.peakMb ?? (bytes === null || bytes === undefined ? 0 : Math.round(bytes / (1024 * 1024)));
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          peakSampledMb = Math.max(peakSampledMb ?? 0, treePeakRssMb(child.pid) ?? 0);
        }
        return Math.max(cgroupMb, peakSampledMb ?? 0) || null;
      },
      outOfMemory: () =>
        facts.oom || (group?.oomKills() ?? 0) > 0 || /JavaScript heap out of memory/.test(stderrTail.text),
    };
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
