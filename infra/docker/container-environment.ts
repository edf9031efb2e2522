/**
 * One execution environment as one container, whatever protocol drives it: started attached (`docker run`, its output
 * streams through the client), its cgroups found as soon as it runs, then frozen, thawed and re-quota'd through them
 * directly (a daemon round trip per freeze would cost more than the whole warm-invoke budget: infra/docker/README.md),
 * measured from its memory cgroup and process tree, and at its end inspected (did the OOM killer end it?) and removed.
 */
import { constants } from 'node:os';
import type { EnvExit } from '../emulator/executor.js';
import { treePeakRssMb } from '../emulator/process-executor.js';
import {
  type ContainerCgroups,
  type ContainerHandle,
  type ContainerSpec,
  cgroupsOfPid,
  containerInfo,
  removeContainer,
  startContainer,
  waitRunning,
} from './docker.js';

const MB = 1024 * 1024;

/** A container's exit code as the runtime's end: 128 + n is signal n (docker's init and shells report kills so). */
function exitOf(code: number | null, signal: NodeJS.Signals | null): EnvExit {
  if (code !== null && code > 128 && code <= 128 + 64) {
    const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code, signal };
}

export interface ContainerEnvironmentOptions {
  spec: ContainerSpec;
  /** CPUs' worth of quota the container starts with (the CFS period is CPU_PERIOD_US). */
  cpus: number;
  /** Once the container runs: its cgroups (to hand the freezer's to the watchdog). */
  onCgroups?: (groups: ContainerCgroups) => void;
  /** Called when the container is gone (removed): gives back its address. */
  onGone?: () => void;
  /** Tracks removals, so that the executor's dispose can wait for them. */
  track: (work: Promise<unknown>) => void;
}

export class ContainerEnvironment {
  readonly container: ContainerHandle;
  readonly exited: Promise<EnvExit>;
  private groups: ContainerCgroups | null = null;
  /** What was asked of the cgroups before they were known (the container was still starting), in order. */
  private readonly queued: Array<(groups: ContainerCgroups) => void> = [];
  private initPid: number | undefined;
  private oomAtExit = false;
  private stderrTail = '';
  private peakSampledMb = 0;
  private gone = false;
  /** The removal kill() started, which the exit then waits for. */
  private removal: Promise<void> | null = null;
  cpuQuota: number;

  constructor(private readonly options: ContainerEnvironmentOptions) {
    this.cpuQuota = options.cpus;
    this.container = startContainer({ ...options.spec, autoRemove: false });
    this.container.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    void this.findCgroups();
    this.exited = this.container.exited.then((exit) => this.afterExit(exit));
  }

  get name(): string {
    return this.container.name;
  }

  /** The container's first process as this host sees it, once known. */
  get pid(): number | undefined {
    return this.initPid;
  }

  private async findCgroups(): Promise<void> {
    try {
      const info = await waitRunning(this.name);
      this.initPid = info.pid;
      const groups = cgroupsOfPid(info.pid);
      this.groups = groups;
      this.options.onCgroups?.(groups);
      for (const apply of this.queued.splice(0)) apply(groups);
    } catch {
      // It exited before it ran, or is gone already: its exit says why.
    }
  }

  /** Runs `apply` on the cgroups now, or as soon as they are known. */
  private withCgroups(apply: (groups: ContainerCgroups) => void): void {
    if (this.gone) return;
    if (this.groups) {
      try {
        apply(this.groups);
      } catch {
        // The container just went: its cgroups with it.
      }
    } else {
      this.queued.push(apply);
    }
  }

  freeze(): void {
    this.withCgroups((g) => g.freeze());
  }

  thaw(): void {
    this.withCgroups((g) => g.thaw());
  }

  setCpus(cpus: number, periodUs: number): void {
    this.cpuQuota = cpus;
    this.withCgroups((g) => g.setCpuQuota(cpus, periodUs));
  }

  /** Kills and removes the container; its exit follows. */
  kill(): void {
    if (this.gone) return;
    this.gone = true;
    try {
      this.groups?.thaw();
    } catch {
      // gone already
    }
    this.removal = removeContainer(this.name);
    this.options.track(this.removal);
  }

  /**
   * The larger of the memory cgroup's peak and the process tree's peak RSS (the cgroup misses file pages another
   * container touched first), as far as known: a container's cgroups go with it, so after its end this is the last
   * figure read, or the memory limit itself when the OOM killer ended it (it fires at the limit).
   */
  maxMemoryUsedMb(): number | null {
    if (!this.gone && this.initPid) {
      this.peakSampledMb = Math.max(this.peakSampledMb, treePeakRssMb(this.initPid) ?? 0);
    }
    try {
      const bytes = this.groups?.peakMemoryBytes();
      if (bytes !== null && bytes !== undefined)
        this.peakSampledMb = Math.max(this.peakSampledMb, Math.round(bytes / MB));
    } catch {
      // the container is gone
    }
    if (this.oomAtExit && this.options.spec.memoryMb !== undefined) return this.options.spec.memoryMb;
    return this.peakSampledMb || null;
  }

  /** Whether the OOM killer acted in the container (while it runs: its memory cgroup; after: docker's verdict). */
  outOfMemory(): boolean {
    if (this.oomAtExit || /JavaScript heap out of memory/.test(this.stderrTail)) return true;
    try {
      return (this.groups?.oomKills() ?? 0) > 0;
    } catch {
      return false;
    }
  }

  /** The container exited: ask docker whether the OOM killer ended it, then remove it. */
  private async afterExit(exit: { code: number | null; signal: NodeJS.Signals | null }): Promise<EnvExit> {
    const info = await containerInfo(this.name);
    this.oomAtExit = info?.oomKilled ?? false;
    this.gone = true;
    this.queued.length = 0;
    // A killed container's removal is under way already: wait for it rather than asking docker again.
    const removed = (this.removal ?? removeContainer(this.name)).then(() => this.options.onGone?.());
    this.options.track(removed);
    return exitOf(exit.code, exit.signal);
  }
}
