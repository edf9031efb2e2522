/**
 * The docker executor: each execution environment is one container of the function's image, built from
 * infra/docker/Dockerfile on a Lambda base image (AWS's public.ecr.aws/lambda/nodejs:22 when it is present locally,
 * else the project's stand-in, or the user's `--image`), with Lambda's limits: a CFS quota of the memory's vCPU share
 * per 20 ms period (INIT's boost until the runtime's first request, in Runtime API mode), the environment's cores as
 * its cpuset, memory = memory + swap = the function's memory, a read-only root, /tmp a tmpfs of EphemeralStorage.Size,
 * an unprivileged user and no capabilities.
 *
 * Two modes (infra/docker/README.md "The docker executor"):
 * - `runtime-api`: the image's entrypoint runs its runtime against the emulator's Runtime API for the environment
 *   (AWS_LAMBDA_RUNTIME_API), which times Duration and Init itself, as for processes;
 * - `rie`: the entrypoint runs the image's Runtime Interface Emulator, which the emulator invokes over HTTP
 *   (a direct executor: infra/emulator/direct-environment.ts), taking RIE's own REPORT lines.
 *
 * Every container, the network and the function images carry the emulator's label (owner.ts); a watchdog removes them
 * should the emulator die, and an executor that starts removes what dead emulators left.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import {
  CPU_PERIOD_US,
  LIMITS,
  RIE_INVOKE,
  RIE_TIMEOUT_VARIABLE,
  WRITABLE_DIR,
} from '../../harness/lambda/platform.js';
import { formatCpuList } from '../emulator/cores.js';
import type {
  DirectAnswer,
  DirectEnvHandle,
  DirectEnvSpec,
  DirectExecutor,
  EnvHandle,
  EnvSpec,
  EnvSpecBase,
  Executor,
  ExecutorInfo,
} from '../emulator/executor.js';
import { SANDBOX_GID, SANDBOX_UID } from '../emulator/sandbox.js';
import { ContainerEnvironment } from './container-environment.js';
import {
  buildFunctionImage,
  type ContainerSpec,
  DockerError,
  dockerBinary,
  imageInfo,
  removeByLabel,
  requireDocker,
  requireImage,
  runDocker,
} from './docker.js';
import type { DockerMode } from './modes.js';
import { PrivateNetwork } from './network.js';
import { LABEL_EMULATOR, newOwner, type Owner, removeDeadOwners } from './owner.js';
import { AWS_NODEJS_BASE_IMAGE, ensureStandinImage, LABEL_STANDIN, STANDIN_TAG } from './standin-image.js';
import { Watchdog } from './watchdog.js';

export { DOCKER_MODES, type DockerMode } from './modes.js';

/** How long a starting container has to begin listening for its first invocation. */
const RIE_START_TIMEOUT_MS = 30_000;

export interface DockerExecutorOptions {
  mode: DockerMode;
  /** The Lambda base image to build function images on; default AWS's when present here, else the stand-in. */
  image?: string | null;
  /** Progress lines while it gets ready (building the stand-in can take a few seconds). */
  log?: (line: string) => void;
}

interface BaseImage {
  tag: string;
  standin: boolean;
}

/** The base image: the user's, else AWS's if it is here, else the stand-in (built when missing or outdated). */
async function resolveBaseImage(options: DockerExecutorOptions): Promise<BaseImage> {
  if (options.image) {
    const info = await requireImage(options.image);
    return { tag: options.image, standin: info.labels[LABEL_STANDIN] === 'true' };
  }
  if (await imageInfo(AWS_NODEJS_BASE_IMAGE)) return { tag: AWS_NODEJS_BASE_IMAGE, standin: false };
  options.log?.(`${AWS_NODEJS_BASE_IMAGE} is not here: using the stand-in ${STANDIN_TAG} (building it if needed)`);
  const standin = await ensureStandinImage({ log: options.log });
  return { tag: standin.tag, standin: true };
}

/**
 * The container's variables: the environment's, less the host's paths (the image sets PATH, LAMBDA_TASK_ROOT and
 * LAMBDA_RUNTIME_DIR for its own layout, as AWS's images do).
 */
function containerVariables(env: Record<string, string>): Record<string, string> {
  const { PATH: _path, LAMBDA_TASK_ROOT: _root, LAMBDA_RUNTIME_DIR: _runtime, ...rest } = env;
  return { ...rest, LAMBDA_TASK_ROOT: '/var/task', LAMBDA_RUNTIME_DIR: '/var/runtime' };
}

/** POSTs one invocation to RIE; resolves with its answer (body bounded by Lambda's response limit). */
function postInvocation(agent: http.Agent, host: string, payload: string): Promise<DirectAnswer> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(payload);
    const req = http.request(
      {
        host,
        port: RIE_INVOKE.port,
        path: RIE_INVOKE.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= LIMITS.syncResponseBytes + 1024) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function connectionRefused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ECONNRESET';
}

/** Parts an executor is made of, once docker, the base image and the network are ready. */
interface DockerParts {
  mode: DockerMode;
  base: BaseImage;
  owner: Owner;
  network: PrivateNetwork;
  watchdog: Watchdog;
  detail: string;
}

/** What both modes share: images, containers, the network, the watchdog; each mode adds its start(). */
abstract class DockerExecutorBase {
  readonly kind = 'docker';
  readonly cpuEnforced = true;
  private readonly images = new Map<string, Promise<string>>();
  private readonly built = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  protected readonly live = new Set<ContainerEnvironment>();
  readonly mode: DockerMode;
  readonly network: PrivateNetwork;
  readonly detail: string;
  protected readonly base: BaseImage;
  private readonly owner: Owner;
  private readonly watchdog: Watchdog;

  constructor(parts: DockerParts) {
    this.mode = parts.mode;
    this.base = parts.base;
    this.owner = parts.owner;
    this.network = parts.network;
    this.watchdog = parts.watchdog;
    this.detail = parts.detail;
  }

  get id(): string {
    return this.owner.id;
  }

  get info(): ExecutorInfo {
    return { kind: 'docker', dockerMode: this.mode, image: this.base.tag, imageStandin: this.base.standin };
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => {}).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  private static imageKey(code: { codeDir: string; handler: string }): string {
    return `${code.codeDir}\u0000${code.handler}`;
  }

  /** Builds the function's image (once per code directory and handler): before INIT, which must not count it. */
  prepare(code: { codeDir: string; handler: string }): Promise<void> {
    const key = DockerExecutorBase.imageKey(code);
    let image = this.images.get(key);
    if (!image) {
      const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
      image = buildFunctionImage({
        codeDir: code.codeDir,
        handler: code.handler,
        baseImage: this.base.tag,
        tag: `vcpu-bench/fn-${this.owner.id}:${digest}`,
        labels: this.owner.labels,
      }).then(({ tag }) => {
        this.built.set(key, tag);
        return tag;
      });
      // A failed build is tried again by the next environment.
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image.then(() => undefined);
  }

  /** The container for one environment: the function's image with Lambda's limits, on the emulator's network. */
  protected launch(
    spec: EnvSpecBase,
    cpus: number,
    env: Record<string, string>,
  ): { c: ContainerEnvironment; ip: string } {
    const image = this.built.get(DockerExecutorBase.imageKey(spec));
    if (!image) throw new DockerError(`no image for ${spec.functionName}: prepare() must finish before start()`);
    const ip = this.network.allocate();
    const containerSpec: ContainerSpec = {
      name: `vcpu-bench-${this.owner.id}-${spec.id}`,
      image,
      init: true,
      cpus,
      cpuPeriodUs: CPU_PERIOD_US,
      cpusetCpus: formatCpuList(spec.cores),
      memoryMb: spec.memoryMb,
      network: this.network.name,
      ip,
      tmpfs: [{ path: WRITABLE_DIR, sizeMb: spec.tmpMb }],
      readOnly: true,
      user: `${SANDBOX_UID}:${SANDBOX_GID}`,
      capDrop: ['ALL'],
      noNewPrivileges: true,
      env: containerVariables(env),
      labels: { ...this.owner.labels, 'vcpu-bench.environment': spec.id, 'vcpu-bench.function': spec.functionName },
    };
    let container: ContainerEnvironment | null = null;
    container = new ContainerEnvironment({
      spec: containerSpec,
      cpus,
      onCgroups: (groups) => this.watchdog.watchFreezer(groups.freezerDir ?? groups.memoryDir),
      onGone: () => {
        this.network.release(ip);
        if (container) this.live.delete(container);
      },
      track: (work) => this.track(work),
    });
    this.live.add(container);
    return { c: container, ip };
  }

  /** The handle both modes share, with `extra` (plain values and methods) added: getters stay live. */
  protected handleOf<T extends object>(
    c: ContainerEnvironment,
    extra: T,
  ): Omit<EnvHandle, 'endInit' | 'runtimeAddress' | 'marksOutputEnd'> & T {
    return {
      ...extra,
      get pid() {
        return c.pid;
      },
      stdout: c.container.stdout,
      stderr: c.container.stderr,
      exited: c.exited,
      get cpuQuota() {
        return c.cpuQuota;
      },
      freeze: () => c.freeze(),
      thaw: () => c.thaw(),
      kill: () => c.kill(),
      maxMemoryUsedMb: () => c.maxMemoryUsedMb(),
      outOfMemory: () => c.outOfMemory(),
    };
  }

  /** Kills every container, then removes them, the function images and the network, and stops the watchdog. */
  async dispose(): Promise<void> {
    for (const c of this.live) c.kill();
    await Promise.all([...this.live].map((c) => c.exited));
    await Promise.all([...this.pending]);
    await removeByLabel(LABEL_EMULATOR, this.owner.id);
    const images = [...this.built.values()];
    if (images.length > 0) await runDocker(['image', 'rm', '--force', ...images]);
    await this.network.remove();
    this.watchdog.close();
  }
}

/** Runtime API mode: the image's runtime polls the emulator's Runtime API for its environment. */
export class DockerRuntimeApiExecutor extends DockerExecutorBase implements Executor {
  readonly protocol = 'runtime-api';

  /**
   * Runtime API mode: the runtime polls the environment's Runtime API on this host's address of the network, which
   * knows it by its container's address (runtimeAddress); INIT runs at INIT's quota until endInit.
   */
  start(spec: EnvSpec): EnvHandle {
    const { c, ip } = this.launch(spec, spec.initCpus, spec.env);
    return this.handleOf(c, {
      runtimeAddress: ip,
      // The stand-in (and any image built on it) runs the project's runtime client, which marks its output's end.
      marksOutputEnd: this.base.standin,
      endInit: () => {
        if (c.cpuQuota !== spec.cpus) c.setCpus(spec.cpus, CPU_PERIOD_US);
      },
    });
  }
}

/** RIE mode: the image's Runtime Interface Emulator takes the invocations (a direct executor). */
export class DockerRieExecutor extends DockerExecutorBase implements DirectExecutor {
  readonly protocol = 'direct';

  /** RIE mode: the container's entrypoint runs RIE, invoked at the container's address, one invocation at a time. */
  start(spec: DirectEnvSpec): DirectEnvHandle {
    const env = { ...spec.env, [RIE_TIMEOUT_VARIABLE]: String(spec.timeoutS) };
    const { c, ip } = this.launch(spec, spec.cpus, env);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let exited = false;
    void c.exited.then(() => {
      exited = true;
      agent.destroy();
    });
    const invoke = async (payload: string): Promise<DirectAnswer> => {
      const deadline = Date.now() + RIE_START_TIMEOUT_MS;
      for (;;) {
        try {
          return await postInvocation(agent, ip, payload);
        } catch (error) {
          // Until RIE listens (the container is starting), connections are refused: try again shortly.
          if (exited || !connectionRefused(error) || Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
    return this.handleOf(c, { invoke });
  }
}

export type DockerExecutor = DockerRuntimeApiExecutor | DockerRieExecutor;

/**
 * Checks docker, finds the base image, removes what dead emulators left, and creates the emulator's network. A
 * DockerError's message is one line naming the fix (docker missing, daemon down, no such --image).
 */
export async function createDockerExecutor(options: DockerExecutorOptions): Promise<DockerExecutor> {
  const status = await requireDocker();
  const base = await resolveBaseImage(options);
  await removeDeadOwners();
  const owner = newOwner();
  const watchdog = new Watchdog(dockerBinary(), `${LABEL_EMULATOR}=${owner.id}`);
  try {
    const network = await PrivateNetwork.create(`vcpu-bench-${owner.id}`, owner.labels);
    const image = `${base.tag}${base.standin ? ` (stand-in for ${AWS_NODEJS_BASE_IMAGE})` : ''}`;
    const detail =
      `docker ${status.serverVersion} (cgroup v${status.cgroupVersion}, ${status.cgroupDriver}): one container per ` +
      `environment on ${image}, ${options.mode} mode, network ${network.name} ${network.subnet}`;
    const parts: DockerParts = { mode: options.mode, base, owner, network, watchdog, detail };
    return options.mode === 'rie' ? new DockerRieExecutor(parts) : new DockerRuntimeApiExecutor(parts);
  } catch (error) {
    watchdog.close();
    throw error;
  }
}
