/**
 * How an execution environment is run: the emulator hands an executor one EnvSpec per environment and gets back a
 * handle to freeze, thaw, kill and measure it. The process executor (process-executor.ts: one OS process per
 * environment, in cgroups and a sandbox) is the one in this folder; the docker executor (infra/docker/executor.ts: one
 * container per environment) implements the same interface.
 *
 * Two protocols. A `runtime-api` executor runs a runtime that polls the Runtime API its environment serves
 * (environment.ts). A `direct` executor runs environments that take invocations themselves, such as the Runtime
 * Interface Emulator in a container: its handle invokes, and the environment (direct-environment.ts) reads the START,
 * END and REPORT lines from the environment's own output.
 */
import type { Readable } from 'node:stream';

/** What every environment gets, whichever protocol drives it. */
export interface EnvSpecBase {
  /** Unique environment id, also used for cgroup names. */
  id: string;
  functionName: string;
  memoryMb: number;
  /** CPUs' worth of quota for the handler: the memory's vCPU share (harness/lambda/README.md "Memory and CPU"). */
  cpus: number;
  /** The host cores the environment may run on (cores.ts), as many as Lambda would show, from the emulator's cpuset. */
  cores: readonly number[];
  /** Directory holding the function's unzipped code (LAMBDA_TASK_ROOT). */
  codeDir: string;
  handler: string;
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

/** A Runtime API environment's spec. */
export interface EnvSpec extends EnvSpecBase {
  /**
   * CPUs' worth of quota while INIT runs, until the runtime first asks for an event (EnvHandle.endInit): Lambda's
   * measured boost (harness/lambda/README.md "INIT") or the same share as the handler, per the emulator's --init-cpu.
   */
  initCpus: number;
  /** `host:port` of this environment's Runtime API. */
  runtimeApi: string;
  /**
   * The secret the runtime sends with every Runtime API request (header `x-vcpu-bench-runtime-token`); the Runtime API
   * refuses requests without it, so no other local process can take this environment's events or answer for it. The
   * executor hands it to the runtime privately (the process executor writes it to the runtime's stdin), never in its
   * environment variables or arguments, which other processes can read.
   */
  runtimeToken: string;
}

export interface EnvExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A direct environment's spec: no Runtime API of the emulator's; the function's timeout is the environment's to keep. */
export interface DirectEnvSpec extends EnvSpecBase {
  timeoutS: number;
}

/**
 * Where environments reach the emulator when this host's loopback is not theirs (containers): this host's address on
 * a network only the executor's environments share with it. Their Runtime APIs listen there, and so does a second
 * listener of the Lambda API (fan-out), which admits only connections from that network.
 */
export interface EnvironmentNetwork {
  readonly hostAddress: string;
  /** Whether a connection from `address` may use the Lambda API at hostAddress: an environment's, or this host's. */
  admits(address: string | undefined): boolean;
}

/** How the emulator runs execution environments: OS processes (process-executor.ts) or containers (infra/docker). */
export const EXECUTOR_KINDS = ['process', 'docker'] as const;
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

/** What runs the environments, as the status and every measured row report it. */
export interface ExecutorInfo {
  kind: ExecutorKind;
  /** docker only: `runtime-api` (the emulator's Runtime API) or `rie` (the image's Runtime Interface Emulator). */
  dockerMode: 'runtime-api' | 'rie' | null;
  /** docker only: the Lambda base image the function images are built on. */
  image: string | null;
  /** docker only: whether that image is the project's stand-in for AWS's (infra/docker/standin-image.ts). */
  imageStandin: boolean | null;
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
  /**
   * The address the environment's runtime connects from, where the executor guarantees that no other process or
   * container can connect from it (its own address on the executor's EnvironmentNetwork). The Runtime API then also
   * takes requests from it without the token, which an image's own runtime client (AWS's) cannot send. Absent or
   * null: the token only.
   */
  readonly runtimeAddress?: string | null;
  /**
   * Whether the runtime marks the end of each invocation's output (the project's runtime client does:
   * runtime/bootstrap.ts flushOutput). False for a runtime client that writes no marks (AWS's, in its base image): the
   * environment then settles an invocation without waiting for them. Absent: true.
   */
  readonly marksOutputEnd?: boolean;
}

/** How a direct environment answered one invocation: the HTTP status and body of its invoke endpoint. */
export interface DirectAnswer {
  status: number;
  body: string;
}

/** A direct environment: no Runtime API, no INIT phase the emulator can see; it takes invocations itself. */
export interface DirectEnvHandle extends Omit<EnvHandle, 'endInit' | 'runtimeAddress' | 'marksOutputEnd'> {
  /** One invocation at a time; rejects when the environment cannot be reached or goes away. */
  invoke(payload: string): Promise<DirectAnswer>;
}

interface ExecutorBase {
  readonly kind: ExecutorKind;
  /** True when the CPU quota, cores and memory limit are applied. */
  readonly cpuEnforced: boolean;
  /** One line for the start-up banner: how environments are isolated, or why they are not. */
  readonly detail: string;
  /** What runs the environments; absent means the process executor. */
  readonly info?: ExecutorInfo;
  /** Set when environments cannot reach the emulator on this host's loopback. */
  readonly network?: EnvironmentNetwork | null;
  /**
   * Readies what environments of this code need before one starts (the docker executor builds the function's image),
   * so that INIT does not count it. Called before every environment start; cheap once done.
   */
  prepare?(code: { codeDir: string; handler: string }): Promise<void>;
  /** Kills what is left and releases the executor's resources (cgroups, containers). */
  dispose(): Promise<void>;
}

/** A runtime-api executor: its runtimes poll the Runtime API each environment serves (environment.ts). */
export interface Executor extends ExecutorBase {
  readonly protocol?: 'runtime-api';
  start(spec: EnvSpec): EnvHandle;
}

export interface DirectExecutor extends ExecutorBase {
  readonly protocol: 'direct';
  start(spec: DirectEnvSpec): DirectEnvHandle;
}

/** Either kind: what the emulator runs its environments with. */
export type AnyExecutor = Executor | DirectExecutor;

export const PROCESS_EXECUTOR_INFO: ExecutorInfo = {
  kind: 'process',
  dockerMode: null,
  image: null,
  imageStandin: null,
};
