/**
 * How an execution environment is run: the emulator hands an executor one EnvSpec per environment and gets back a
 * handle to freeze, thaw, kill and measure it. The process executor (process-executor.ts: one OS process per
 * environment, in cgroups and a sandbox) is the one in this folder; other executors (containers) implement the same
 * interface.
 */
import type { Readable } from 'node:stream';

export interface EnvSpec {
  /** Unique environment id, also used for cgroup names. */
  id: string;
  functionName: string;
  memoryMb: number;
  /** CPUs' worth of quota for the handler: the memory's vCPU share (harness/lambda/README.md "Memory and CPU"). */
  cpus: number;
  /**
   * CPUs' worth of quota while INIT runs, until the runtime first asks for an event (EnvHandle.endInit): Lambda's
   * measured boost (harness/lambda/README.md "INIT") or the same share as the handler, per the emulator's --init-cpu.
   */
  initCpus: number;
  /** The host cores the environment may run on (cores.ts), as many as Lambda would show, from the emulator's cpuset. */
  cores: readonly number[];
  /** Directory holding the function's unzipped code (LAMBDA_TASK_ROOT). */
  codeDir: string;
  handler: string;
  /** `host:port` of this environment's Runtime API. */
  runtimeApi: string;
  /**
   * The secret the runtime sends with every Runtime API request (header `x-vcpu-bench-runtime-token`); the Runtime API
   * refuses requests without it, so no other local process can take this environment's events or answer for it. The
   * executor hands it to the runtime privately (the process executor writes it to the runtime's stdin), never in its
   * environment variables or arguments, which other processes can read.
   */
  runtimeToken: string;
  /** Environment variables: Lambda's reserved ones and the function's own. */
  env: Record<string, string>;
  /** Size of the environment's /tmp, MB (the function's EphemeralStorage.Size). */
  tmpMb: number;
  /**
   * A directory private to this environment, which the emulator removes when the environment is gone: where an
   * executor keeps what the environment writes (its /tmp when it cannot give it a private one).
   */
  scratchDir: string;
}

export interface EnvExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EnvHandle {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exited: Promise<EnvExit>;
  /** CPUs' worth of quota applied to this environment right now (INIT's, then the handler's); null when none. */
  readonly cpuQuota: number | null;
  /** INIT is over: from now on the environment runs at the handler's quota (EnvSpec.cpus). */
  endInit(): void;
  /**
   * The environment's cgroup directories, if it has any: should the emulator die, its reaper thaws them, kills what is
   * in them and removes them (reaper.ts).
   */
  readonly cgroupDirs?: readonly string[];
  /** Stop every process of the environment (between invocations, as Lambda does). */
  freeze(): void;
  thaw(): void;
  /** Kill the environment and every process it started. */
  kill(): void;
  /** Peak memory used, MB; null when it cannot be known. */
  maxMemoryUsedMb(): number | null;
  /** Whether the OOM killer (or V8 running out of its heap) ended the environment. */
  outOfMemory(): boolean;
}

export interface Executor {
  readonly kind: 'process' | 'docker';
  /** True when the CPU quota, cores and memory limit are applied. */
  readonly cpuEnforced: boolean;
  /** One line for the start-up banner: how environments are isolated, or why they are not. */
  readonly detail: string;
  start(spec: EnvSpec): EnvHandle;
  /** Kills what is left and releases the executor's resources (cgroups, containers). */
  dispose(): Promise<void>;
}
