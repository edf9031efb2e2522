/**
 * A thin wrapper over the `docker` CLI: every call is `docker` with an argument vector (child_process, no shell), so
 * no value is ever interpolated into a command string. It covers what the emulator's docker executor needs: is docker
 * usable (and if not, a one-line error naming the fix), build a function image, run a container with Lambda's limits,
 * find the container's cgroups (to freeze it and read its memory peak directly: `docker pause` costs a CLI round trip
 * and a daemon call, see infra/docker/README.md), stop, kill, and remove containers by label.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { cgroupDir, cgroupMounts, readProcText } from '../../workloads/cgroup-paths.js';
import { IMAGE_REFERENCE_PATTERN } from './modes.js';
import { ENSURE_DOCKER_SCRIPT, FUNCTION_DOCKERFILE } from './paths.js';

/** What a user must act on: the message is one line and names the fix. */
export class DockerError extends Error {
  override name = 'DockerError';
}

export interface DockerResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface DockerCallOptions {
  /** Written to the command's stdin. */
  input?: string | Buffer;
  /** Kills the command after this long (default 120 s); its result then has code null. */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

const ENSURE_HINT = `run ${path.relative(process.cwd(), ENSURE_DOCKER_SCRIPT) || ENSURE_DOCKER_SCRIPT} (as root)`;

/** The docker client: `docker` on PATH, or VCPU_BENCH_DOCKER (a path), read at every call. */
export function dockerBinary(): string {
  return process.env.VCPU_BENCH_DOCKER || 'docker';
}

/** Runs `docker ...args`; resolves with its exit code and output, whatever the code. */
export function runDocker(args: string[], options: DockerCallOptions = {}): Promise<DockerResult> {
  return new Promise((resolve) => {
    const child = spawn(dockerBinary(), args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ code: missing ? 127 : null, stdout, stderr: stderr + error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {
      // the command exited before reading its input; its exit code tells
    });
    child.stdin.end(options.input);
  });
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^DEPRECATED:|^\s*(BuildKit|Install the buildx)/.test(l))
      .pop() ?? ''
  );
}

/** Runs `docker ...args` and returns its trimmed stdout; throws DockerError with docker's own last line otherwise. */
export async function docker(args: string[], options: DockerCallOptions = {}): Promise<string> {
  const result = await runDocker(args, options);
  if (result.code !== 0) {
    const why = lastLine(result.stderr) || lastLine(result.stdout) || `exit code ${result.code}`;
    throw new DockerError(`docker ${args[0] ?? ''}: ${why}`);
  }
  return result.stdout.trim();
}

// ---------- is docker usable ----------

export type DockerStatus =
  | {
      ok: true;
      serverVersion: string;
      storageDriver: string;
      cgroupVersion: string;
      cgroupDriver: string;
      /** Whether the default bridge network exists (dockerd started with --bridge=none has none). */
      bridge: boolean;
    }
  | { ok: false; problem: 'missing' | 'daemon-down' | 'no-permission' | 'error'; message: string };

/** Whether docker can be used now, and if not, a one-line reason that names the fix. Never throws. */
export async function dockerStatus(): Promise<DockerStatus> {
  const info = await runDocker(
    ['info', '--format', '{{.ServerVersion}}|{{.Driver}}|{{.CgroupVersion}}|{{.CgroupDriver}}'],
    { timeoutMs: 20_000 },
  );
  if (info.code === 127) {
    return { ok: false, problem: 'missing', message: `docker is not installed: ${ENSURE_HINT}` };
  }
  const [serverVersion, storageDriver, cgroupVersion, cgroupDriver] = info.stdout.trim().split('|');
  if (info.code === 0 && serverVersion) {
    const bridge = (await runDocker(['network', 'inspect', 'bridge'], { timeoutMs: 20_000 })).code === 0;
    return {
      ok: true,
      serverVersion,
      storageDriver: storageDriver ?? '',
      cgroupVersion: cgroupVersion ?? '',
      cgroupDriver: cgroupDriver ?? '',
      bridge,
    };
  }
  const text = `${info.stderr}\n${info.stdout}`;
  if (/permission denied/i.test(text)) {
    return {
      ok: false,
      problem: 'no-permission',
      message: 'docker: permission denied on the daemon socket: run as root or join the docker group',
    };
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|connect: no such file/i.test(text)) {
    return { ok: false, problem: 'daemon-down', message: `the docker daemon is not running: ${ENSURE_HINT}` };
  }
  return { ok: false, problem: 'error', message: `docker does not answer (${lastLine(text)}): ${ENSURE_HINT}` };
}

/** The ready status, or a DockerError whose message is the one-line reason and fix. */
export async function requireDocker(): Promise<Extract<DockerStatus, { ok: true }>> {
  const status = await dockerStatus();
  if (!status.ok) throw new DockerError(status.message);
  return status;
}

/**
 * The host's address on docker's default bridge (the gateway containers on it see, e.g. 172.17.0.1): where a host
 * server must listen for bridge containers to reach it. Null without a bridge network.
 */
export async function bridgeGateway(): Promise<string | null> {
  const result = await runDocker(['network', 'inspect', 'bridge', '--format', '{{json .}}']);
  if (result.code !== 0) return null;
  const net = JSON.parse(result.stdout) as {
    IPAM?: { Config?: Array<{ Gateway?: string }> | null };
    Options?: Record<string, string> | null;
  };
  const configured = net.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  if (configured) return configured;
  // The default bridge often lists no gateway: it is the address of its interface (docker0) on the host.
  const ifName = net.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  return os.networkInterfaces()[ifName]?.find((a) => a.family === 'IPv4')?.address ?? null;
}

export interface EnsureDockerResult {
  ready: boolean;
  /** The script's one line: what it did, or why docker cannot run here. */
  line: string;
}

/** Runs scripts/docker/ensure-docker.sh (installs and starts docker where it can; idempotent). */
export function ensureDocker(): Promise<EnsureDockerResult> {
  return new Promise((resolve) => {
    const child = spawn('bash', [ENSURE_DOCKER_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.once('error', (error) =>
      resolve({ ready: false, line: `cannot run ${ENSURE_DOCKER_SCRIPT}: ${error.message}` }),
    );
    child.once('close', (code) => resolve({ ready: code === 0, line: lastLine(out) }));
  });
}

// ---------- images ----------

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string;
}

/** The local image's configuration; null when there is no such image here. */
export async function imageInfo(image: string): Promise<ImageInfo | null> {
  const result = await runDocker(['image', 'inspect', '--format', '{{json .}}', image]);
  if (result.code !== 0) return null;
  const parsed = JSON.parse(result.stdout) as {
    Id: string;
    Config?: {
      Labels?: Record<string, string> | null;
      Env?: string[] | null;
      Entrypoint?: string[] | null;
      Cmd?: string[] | null;
      WorkingDir?: string;
    };
  };
  return {
    id: parsed.Id,
    labels: parsed.Config?.Labels ?? {},
    env: parsed.Config?.Env ?? [],
    entrypoint: parsed.Config?.Entrypoint ?? null,
    cmd: parsed.Config?.Cmd ?? null,
    workingDir: parsed.Config?.WorkingDir ?? '',
  };
}

/** The image a user named (`--image`), or a one-line DockerError naming it and the fix. */
export async function requireImage(image: string, flag = '--image'): Promise<ImageInfo> {
  if (!IMAGE_REFERENCE_PATTERN.test(image)) {
    throw new DockerError(`${flag} ${image}: not a docker image reference (e.g. repo/name:tag)`);
  }
  const info = await imageInfo(image);
  if (!info) {
    throw new DockerError(
      `${flag} ${image}: no such image in the local docker; build it, or load it with docker load / docker pull`,
    );
  }
  return info;
}

export async function removeImage(image: string): Promise<void> {
  await runDocker(['image', 'rm', '--force', image]);
}

export interface FunctionImageSpec {
  /** Directory holding the function's unzipped code: copied into /var/task. */
  codeDir: string;
  /** e.g. index.handler: the image's CMD, which the base image's entrypoint hands to the runtime. */
  handler: string;
  /** The base image: AWS's public.ecr.aws/lambda/nodejs:22, or the stand-in (standin-image.ts). */
  baseImage: string;
  tag: string;
  labels?: Record<string, string>;
}

/**
 * Builds a function image from infra/docker/Dockerfile in a temporary build context (the Dockerfile plus a copy of
 * the code), so nothing else on disk is sent to the daemon. Never pulls: the base image must be local.
 */
export async function buildFunctionImage(spec: FunctionImageSpec): Promise<{ tag: string; imageId: string }> {
  if (!existsSync(spec.codeDir)) throw new DockerError(`function code directory ${spec.codeDir} does not exist`);
  if (!/^[\w./-]+\.[\w$]+$/.test(spec.handler)) {
    throw new DockerError(`handler ${spec.handler}: must be <module>.<export>, e.g. index.handler`);
  }
  await requireImage(spec.baseImage, 'base image');
  const context = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-build-'));
  try {
    cpSync(spec.codeDir, path.join(context, 'code'), { recursive: true });
    // The last CMD wins: the function's own handler, written as JSON (exec form), after the Dockerfile's default.
    const dockerfile = `${readFileSync(FUNCTION_DOCKERFILE, 'utf8').trimEnd()}\nCMD ${JSON.stringify([spec.handler])}\n`;
    writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
    const args = ['build', '--quiet', '--build-arg', `BASE_IMAGE=${spec.baseImage}`, '--tag', spec.tag];
    for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
    args.push(context);
    const imageId = await docker(args, { timeoutMs: 300_000 });
    return { tag: spec.tag, imageId: lastLine(imageId) };
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

// ---------- containers ----------

export interface ContainerSpec {
  /** The container's name: how every later call finds it. */
  name: string;
  image: string;
  /** Arguments after the image (the entrypoint's arguments, e.g. the handler). */
  command?: string[];
  /** Replaces the image's entrypoint. */
  entrypoint?: string;
  /** CPUs' worth of CFS quota (Lambda: the memory's vCPU share, harness/lambda/platform.ts). */
  cpus?: number;
  /**
   * The CFS period, µs. Omitted: docker's `--cpus` (100 ms periods). Given: `--cpu-period` and `--cpu-quota`
   * = cpus x period, e.g. Lambda's 20 ms (harness/lambda/README.md "CPU quota period").
   */
  cpuPeriodUs?: number;
  /** Cores the container may run on, e.g. "0-1" or "1". */
  cpusetCpus?: string;
  memoryMb?: number;
  /** Memory plus swap; equal to memoryMb means no swap (as Lambda). Defaults to memoryMb when that is given. */
  memorySwapMb?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** 'bridge' (default), 'host', 'none', or a network's name. */
  network?: string;
  /** The container's address on `network` (a network created with a subnet: createNetwork). */
  ip?: string;
  /** tmpfs mounts, e.g. Lambda's /tmp of EphemeralStorage.Size (charged to the container's memory, as any tmpfs). */
  tmpfs?: Array<{ path: string; sizeMb: number }>;
  /** A read-only root file system (Lambda's is: only /tmp is writable). */
  readOnly?: boolean;
  /** `uid:gid` to run as, instead of the image's user. */
  user?: string;
  /** Capabilities to drop, e.g. ['ALL']. */
  capDrop?: string[];
  /** No process of the container can gain privileges (setuid binaries, file capabilities). */
  noNewPrivileges?: boolean;
  /** Publish container ports on the host, bound to one address (loopback unless said otherwise). */
  publish?: Array<{ containerPort: number; hostPort?: number; hostIp?: string }>;
  /** Run docker's init (tini) as PID 1, to reap orphaned processes and forward signals. */
  init?: boolean;
  /** Remove the container when it exits (default true). */
  autoRemove?: boolean;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `docker run` arguments for a spec (without `docker` itself). Pure, so it can be checked without docker. */
export function runArgs(spec: ContainerSpec): string[] {
  if (!NAME_RE.test(spec.name)) throw new DockerError(`container name ${spec.name}: letters, digits, _ . - only`);
  const args = ['run', '--name', spec.name];
  if (spec.autoRemove ?? true) args.push('--rm');
  if (spec.init) args.push('--init');
  if (spec.cpus !== undefined) {
    if (!(spec.cpus > 0)) throw new DockerError(`cpus ${spec.cpus}: must be above 0`);
    if (spec.cpuPeriodUs === undefined) {
      args.push('--cpus', String(Number(spec.cpus.toFixed(3))));
    } else {
      // The kernel refuses a quota below 1 ms and a period outside 1 ms to 1 s.
      args.push('--cpu-period', String(spec.cpuPeriodUs), '--cpu-quota', String(quotaUs(spec.cpus, spec.cpuPeriodUs)));
    }
  }
  if (spec.cpusetCpus !== undefined) args.push('--cpuset-cpus', spec.cpusetCpus);
  if (spec.memoryMb !== undefined) {
    args.push('--memory', `${spec.memoryMb}m`, '--memory-swap', `${spec.memorySwapMb ?? spec.memoryMb}m`);
  }
  if (spec.network !== undefined) args.push('--network', spec.network);
  if (spec.ip !== undefined) args.push('--ip', spec.ip);
  for (const mount of spec.tmpfs ?? []) {
    args.push('--tmpfs', `${mount.path}:rw,size=${mount.sizeMb}m,mode=1777,nosuid,nodev`);
  }
  if (spec.readOnly) args.push('--read-only');
  if (spec.user !== undefined) args.push('--user', spec.user);
  for (const cap of spec.capDrop ?? []) args.push('--cap-drop', cap);
  if (spec.noNewPrivileges) args.push('--security-opt', 'no-new-privileges');
  for (const p of spec.publish ?? []) {
    args.push('--publish', `${p.hostIp ?? '127.0.0.1'}:${p.hostPort ?? ''}:${p.containerPort}`);
  }
  for (const [key, value] of Object.entries(spec.env ?? {})) args.push('--env', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
  if (spec.entrypoint !== undefined) args.push('--entrypoint', spec.entrypoint);
  args.push(spec.image, ...(spec.command ?? []));
  return args;
}

export interface ContainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ContainerHandle {
  readonly name: string;
  /** The attached `docker run` client: its stdout and stderr are the container's. */
  readonly client: ChildProcess;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the container has exited (or the client could not start it); the code is the container's. */
  readonly exited: Promise<ContainerExit>;
}

/**
 * Starts a container attached (`docker run` without -d): its output streams through the client's stdout and
 * stderr, and the client exits with the container. Killing the client does not stop the container: use
 * killContainer, and removeByLabel after a crash.
 */
export function startContainer(spec: ContainerSpec): ContainerHandle {
  const client = spawn(dockerBinary(), runArgs(spec), { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<ContainerExit>((resolve) => {
    client.once('error', () => resolve({ code: null, signal: null }));
    client.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { name: spec.name, client, stdout: client.stdout, stderr: client.stderr, exited };
}

export interface ContainerInfo {
  id: string;
  /** The container's first process as the host sees it; 0 when it is not running. */
  pid: number;
  running: boolean;
  paused: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** Address on the default bridge; '' on host or none networking. */
  ipAddress: string;
  labels: Record<string, string>;
}

export async function containerInfo(nameOrId: string): Promise<ContainerInfo | null> {
  const result = await runDocker(['container', 'inspect', '--format', '{{json .}}', nameOrId]);
  if (result.code !== 0) return null;
  const c = JSON.parse(result.stdout) as {
    Id: string;
    State: { Pid: number; Running: boolean; Paused: boolean; ExitCode: number; OOMKilled: boolean };
    NetworkSettings?: { IPAddress?: string; Networks?: Record<string, { IPAddress?: string }> };
    Config?: { Labels?: Record<string, string> | null };
  };
  const networks = Object.values(c.NetworkSettings?.Networks ?? {});
  return {
    id: c.Id,
    pid: c.State.Pid,
    running: c.State.Running,
    paused: c.State.Paused,
    exitCode: c.State.ExitCode,
    oomKilled: c.State.OOMKilled,
    ipAddress: c.NetworkSettings?.IPAddress || networks.find((n) => n.IPAddress)?.IPAddress || '',
    labels: c.Config?.Labels ?? {},
  };
}

/** Polls until the container runs (it has a pid); throws DockerError when it exited or the wait ran out. */
export async function waitRunning(nameOrId: string, timeoutMs = 30_000): Promise<ContainerInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await containerInfo(nameOrId);
    if (info?.running && info.pid > 0) return info;
    if (info && !info.running && info.exitCode !== 0) {
      throw new DockerError(`container ${nameOrId} exited with code ${info.exitCode}`);
    }
    if (Date.now() > deadline) throw new DockerError(`container ${nameOrId} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills the container's processes (SIGKILL unless told otherwise). */
export async function killContainer(nameOrId: string, signal = 'KILL'): Promise<void> {
  await runDocker(['kill', '--signal', signal, nameOrId]);
}

/** SIGTERM, then SIGKILL after `timeoutS`. */
export async function stopContainer(nameOrId: string, timeoutS = 2): Promise<void> {
  await runDocker(['stop', '--time', String(timeoutS), nameOrId]);
}

/** Kills and removes the container; no error when it is already gone. */
export async function removeContainer(nameOrId: string): Promise<void> {
  await runDocker(['rm', '--force', nameOrId]);
}

/** Through the daemon (runc's freezer): slower than ContainerCgroups.freeze, kept for comparison and fallback. */
export async function pauseContainer(nameOrId: string): Promise<void> {
  await docker(['pause', nameOrId]);
}

export async function unpauseContainer(nameOrId: string): Promise<void> {
  await docker(['unpause', nameOrId]);
}

/** Names of the containers (running or not) carrying `key` (and `value`, when given). */
export async function containersByLabel(key: string, value?: string): Promise<string[]> {
  const filter = value === undefined ? `label=${key}` : `label=${key}=${value}`;
  const out = await docker(['ps', '--all', '--quiet', '--no-trunc', '--filter', filter]);
  return out.split('\n').filter(Boolean);
}

/**
 * Removes every container carrying the label, running or not: what an emulator does at start for the containers a
 * dead one left. Frozen containers are thawed first (a frozen task takes SIGKILL only once thawed). Returns the ids.
 */
export async function removeByLabel(key: string, value?: string): Promise<string[]> {
  const ids = await containersByLabel(key, value);
  if (ids.length > 0) await forceRemoveContainers(ids);
  return ids;
}

/** Thaws (a frozen task takes SIGKILL only once thawed) and removes these containers, running or not. */
export async function forceRemoveContainers(ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const groups = await containerCgroups(id).catch(() => null);
    try {
      groups?.thaw();
    } catch {
      // not frozen by us, or gone
    }
  }
  await runDocker(['rm', '--force', ...ids]);
}

// ---------- the container's cgroups ----------

export interface ContainerCgroups {
  version: 'v1' | 'v2';
  /** Directories of the container's cgroups (v2: the same one for all). */
  freezerDir: string | null;
  memoryDir: string;
  cpuDir: string;
  /** Freezes every process of the container; returns once the kernel says it is frozen (v1: FREEZING -> FROZEN). */
  freeze(): void;
  thaw(): void;
  frozen(): boolean;
  /** Peak memory charged to the container since it started, bytes; null where the kernel keeps none. */
  peakMemoryBytes(): number | null;
  oomKills(): number;
  /** CPU time the container used, ns. */
  cpuUsageNs(): number | null;
  /**
   * Sets the CFS quota to `cpus` CPUs per period of `periodUs` (at least the kernel's 1 ms), behind docker's back:
   * `docker update` would cost a daemon round trip (the INIT boost ends on the runtime's first request).
   */
  setCpuQuota(cpus: number, periodUs: number): void;
}

/** The kernel refuses a CFS quota below 1 ms. */
function quotaUs(cpus: number, periodUs: number): number {
  return Math.max(1000, Math.round(cpus * periodUs));
}

function write(file: string, value: string): void {
  writeFileSync(file, value);
}

/**
 * The cgroup directories of a running container, from its first process's /proc/<pid>/cgroup and this host's cgroup
 * mounts: cgroupfs (/sys/fs/cgroup/<controller>/docker/<id>) and systemd (system.slice/docker-<id>.scope) drivers
 * alike, v1 or v2. Throws DockerError when the container does not run or its groups are not where /proc says.
 */
export async function containerCgroups(nameOrId: string): Promise<ContainerCgroups> {
  const info = await containerInfo(nameOrId);
  if (!info?.running || info.pid <= 0) throw new DockerError(`container ${nameOrId} is not running`);
  return cgroupsOfPid(info.pid);
}

export function cgroupsOfPid(pid: number): ContainerCgroups {
  const text = readProcText(`/proc/${pid}/cgroup`);
  if (text === null) throw new DockerError(`process ${pid} is gone`);
  const byController = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [id, controllers, cgPath] = line.split(':');
    if (id === undefined || controllers === undefined || cgPath === undefined) continue;
    if (id === '0' && controllers === '') byController.set('', cgPath);
    else for (const c of controllers.split(',')) byController.set(c, cgPath);
  }
  const mounts = cgroupMounts();
  const v1Dir = (controller: string): string | null => {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes(controller));
    const cgPath = byController.get(controller);
    return mount && cgPath !== undefined ? cgroupDir(mount, cgPath) : null;
  };
  const memoryV1 = v1Dir('memory');
  if (memoryV1 && existsSync(memoryV1)) {
    const freezerDir = v1Dir('freezer');
    const cpuDir = v1Dir('cpuacct') ?? v1Dir('cpu') ?? memoryV1;
    const quotaDir = v1Dir('cpu');
    const state = freezerDir ? path.join(freezerDir, 'freezer.state') : null;
    return {
      version: 'v1',
      freezerDir,
      memoryDir: memoryV1,
      cpuDir,
      freeze: () => {
        if (!state) throw new DockerError('no freezer cgroup for this container');
        write(state, 'FROZEN');
        // v1 freezing is asynchronous: the state reads FREEZING until every task stopped.
        for (let i = 0; i < 1000 && readProcText(state) !== 'FROZEN'; i++) write(state, 'FROZEN');
      },
      thaw: () => {
        if (!state) throw new DockerError('no freezer cgroup for this container');
        write(state, 'THAWED');
      },
      frozen: () => (state ? readProcText(state) === 'FROZEN' : false),
      peakMemoryBytes: () => {
        const v = readProcText(path.join(memoryV1, 'memory.max_usage_in_bytes'));
        return v === null ? null : Number(v);
      },
      oomKills: () => {
        const control = readProcText(path.join(memoryV1, 'memory.oom_control')) ?? '';
        return Number(/oom_kill (\d+)/.exec(control)?.[1] ?? 0);
      },
      cpuUsageNs: () => {
        const v = readProcText(path.join(cpuDir, 'cpuacct.usage'));
        return v === null ? null : Number(v);
      },
      setCpuQuota: (cpus, periodUs) => {
        if (!quotaDir) throw new DockerError('no cpu cgroup for this container');
        // The period is the one docker set (the same every time); the quota is what changes.
        write(path.join(quotaDir, 'cpu.cfs_period_us'), String(periodUs));
        write(path.join(quotaDir, 'cpu.cfs_quota_us'), String(quotaUs(cpus, periodUs)));
      },
    };
  }
  const mount = mounts.find((m) => m.type === 'cgroup2');
  const cgPath = byController.get('');
  if (!mount || cgPath === undefined) throw new DockerError(`no memory cgroup found for process ${pid}`);
  const dir = cgroupDir(mount, cgPath);
  return {
    version: 'v2',
    freezerDir: dir,
    memoryDir: dir,
    cpuDir: dir,
    freeze: () => {
      write(path.join(dir, 'cgroup.freeze'), '1');
      const events = path.join(dir, 'cgroup.events');
      for (let i = 0; i < 1000 && !/frozen 1/.test(readProcText(events) ?? ''); i++) {
        // cgroup.events says "frozen 1" once every task stopped; it is quick, the loop only bounds it.
      }
    },
    thaw: () => write(path.join(dir, 'cgroup.freeze'), '0'),
    frozen: () => /frozen 1/.test(readProcText(path.join(dir, 'cgroup.events')) ?? ''),
    peakMemoryBytes: () => {
      // memory.peak exists from Linux 5.19.
      const v = readProcText(path.join(dir, 'memory.peak'));
      return v === null ? null : Number(v);
    },
    oomKills: () => Number(/oom_kill (\d+)/.exec(readProcText(path.join(dir, 'memory.events')) ?? '')?.[1] ?? 0),
    cpuUsageNs: () => {
      const usec = /usage_usec (\d+)/.exec(readProcText(path.join(dir, 'cpu.stat')) ?? '')?.[1];
      return usec === undefined ? null : Number(usec) * 1000;
    },
    setCpuQuota: (cpus, periodUs) => write(path.join(dir, 'cpu.max'), `${quotaUs(cpus, periodUs)} ${periodUs}`),
  };
}

// ---------- networks ----------

export interface NetworkSpec {
  name: string;
  /** CIDR, e.g. 10.213.16.0/20: needed for containers to be given their address (`--ip`). */
  subnet: string;
  /** No route out of the network: its containers reach only each other and this host. */
  internal: boolean;
  /** Whether its containers may reach each other (docker's enable_icc); the host reaches them either way. */
  interContainer: boolean;
  labels?: Record<string, string>;
}

/** Thrown when the subnet overlaps one this host or docker already uses: the caller tries another. */
export class SubnetTakenError extends DockerError {
  override name = 'SubnetTakenError';
}

/** Creates a bridge network; returns its id. */
export async function createNetwork(spec: NetworkSpec): Promise<string> {
  const args = ['network', 'create', '--driver', 'bridge', '--subnet', spec.subnet];
  if (spec.internal) args.push('--internal');
  if (!spec.interContainer) args.push('--opt', 'com.docker.network.bridge.enable_icc=false');
  for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
  args.push(spec.name);
  const result = await runDocker(args, { timeoutMs: 60_000 });
  if (result.code === 0) return result.stdout.trim();
  const why = lastLine(result.stderr) || `exit code ${result.code}`;
  if (/overlap/i.test(why)) throw new SubnetTakenError(`docker network create: ${why}`);
  throw new DockerError(`docker network create: ${why}`);
}

/** Removes a network; no error when it is gone already. */
export async function removeNetwork(nameOrId: string): Promise<void> {
  await runDocker(['network', 'rm', nameOrId]);
}

// ---------- what carries a label ----------

export type DockerObjectKind = 'container' | 'network' | 'image';

export interface Labelled {
  kind: DockerObjectKind;
  id: string;
  labels: Record<string, string>;
}

const LIST_ARGS: Record<DockerObjectKind, string[]> = {
  container: ['ps', '--all', '--quiet', '--no-trunc'],
  network: ['network', 'ls', '--quiet', '--no-trunc'],
  image: ['image', 'ls', '--quiet', '--no-trunc'],
};
const LABELS_FORMAT: Record<DockerObjectKind, string> = {
  container: '{{.Id}}\t{{json .Config.Labels}}',
  network: '{{.Id}}\t{{json .Labels}}',
  image: '{{.Id}}\t{{json .Config.Labels}}',
};

/** Containers (running or not), networks or images carrying the label `key` (= `value` when given), with their labels. */
export async function listLabelled(kind: DockerObjectKind, key: string, value?: string): Promise<Labelled[]> {
  const filter = value === undefined ? `label=${key}` : `label=${key}=${value}`;
  const ids = [...new Set((await docker([...LIST_ARGS[kind], '--filter', filter])).split('\n').filter(Boolean))];
  if (ids.length === 0) return [];
  // Something may go between the listing and the inspection: inspect answers for the rest.
  const result = await runDocker([kind, 'inspect', '--format', LABELS_FORMAT[kind], ...ids]);
  const out: Labelled[] = [];
  for (const line of result.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const parsed = JSON.parse(line.slice(tab + 1)) as Record<string, string> | null;
    out.push({ kind, id: line.slice(0, tab), labels: parsed ?? {} });
  }
  return out;
}
