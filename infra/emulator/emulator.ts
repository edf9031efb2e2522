/**
 * The local Lambda emulator: the Lambda and CloudWatch Logs APIs on one HTTP port, spoken to by the real AWS SDK v3
 * clients, with execution environments that get CPU in proportion to memory (the memory's vCPU share), freeze between
 * invocations and print real REPORT lines. Start it in-process with `startEmulator()` or from the CLI (`emulator`).
 */

import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { InitCpuMode } from '../../harness/lambda/platform.js';
import { ApiError, requestTooLarge, throttled } from './api-error.js';
import { AsyncInvoker } from './async-invocations.js';
import { CoreAllocator, formatCpuList } from './cores.js';
import { EMULATOR_DEFAULTS } from './defaults.js';
import { DirectEnvironment } from './direct-environment.js';
import { type EnvFunctionView, ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import type { Environment } from './environment-common.js';
import { type AnyExecutor, type ExecutorInfo, PROCESS_EXECUTOR_INFO } from './executor.js';
import { type FaultSpec, Faults } from './faults.js';
import { ACCOUNT_ID, type FunctionRecord, FunctionRegistry, type Resolved } from './functions.js';
import { readBodyCapped } from './http/body.js';
import { requestGuard } from './http/guard.js';
import { bodyLimit, matchRoute, sendError, sendReply } from './http/router.js';
import { type AccessKey, newAccessKey, verifySignature } from './http/sigv4.js';
import { IdentityEmulation, isQueryProtocol, QUERY_BODY_BYTES } from './iam-sts.js';
import { LAMBDA_ROUTES, LambdaApi } from './lambda-api.js';
import type { LogStore } from './logs.js';
import { ProcessExecutor } from './process-executor.js';
import { Reaper, removeStaleWorkDirs } from './reaper.js';

/** What an emulator uses unless told otherwise; the `emulator` command's flags default to these too. */

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Account concurrency: environments busy at once; beyond it Invoke answers 429. */
  concurrency?: number;
  /** Seconds an idle environment is kept before it is reaped. */
  keepAliveS?: number;
  region?: string;
  executor?: AnyExecutor;
  /**
   * Refuse every request not signed (SigV4) with the access key the emulator makes at start (`accessKey`), as AWS
   * refuses unsigned requests. Without it any local client may call it, with any credentials.
   */
  requireAuth?: boolean;
  /** Host names clients may use for the emulator besides localhost and its own addresses. */
  allowedHosts?: string[];
  /** Delays before the retries of a failed Event invocation; Lambda's (about 1 and 2 minutes) unless given. */
  asyncRetryDelaysMs?: readonly number[];
  /** INIT's CPU: `boost` (about two vCPUs, as measured on Lambda) or `quota` (the memory's share throughout). */
  initCpu?: InitCpuMode;
  /** The host cores environments are placed on; by default this process's own cpuset. */
  cores?: CoreAllocator;
  /** Misbehave on purpose (infra/emulator/faults.ts): throttles, late logs, a memory cap, INIT errors, timeouts. */
  faults?: FaultSpec;
}

export interface EmulatorStatus {
  endpoint: string;
  executor: string;
  /** What runs the environments: the executor, and for docker its mode and image. */
  executorInfo: ExecutorInfo;
  cgroupDetail: string;
  cpuEnforced: boolean;
  hostCores: number;
  /** The cores environments are placed on (this process's cpuset), e.g. `0-1`. */
  cpus: string;
  initCpu: InitCpuMode;
  concurrency: number;
  environments: Array<{
    id: string;
    functionName: string;
    state: string;
    frozen: boolean;
    cpuQuota: number | null;
    /** The host cores it runs on, e.g. `2-3`. */
    cores: string;
    pid: number | null;
    /** `127.0.0.1:<port>` of its Runtime API (which answers only its own runtime). */
    runtimeApi: string | null;
  }>;
  /**
   * The busiest core's demand from the environments running now (each spreads its quota over its cores): above 1 the
   * host is oversubscribed.
   */
  oversubscription: number;
  /** Faults injected on purpose, and how many times each was. */
  faults: { injecting: string; counts: Record<string, number> };
}

export class Emulator {
  readonly logs: LogStore;
  readonly executor: AnyExecutor;
  readonly region: string;
  readonly concurrency: number;
  readonly keepAliveS: number;
  readonly initCpu: InitCpuMode;
  readonly cores: CoreAllocator;
  readonly registry: FunctionRegistry;
  readonly faults: Faults;
  /** The key requests must be signed with under `requireAuth`; null when any credentials will do. */
  readonly accessKey: AccessKey | null;
  /** IAM and STS, emulated just enough for setup, doctor and cleanup --role (infra/emulator/iam-sts.ts). */
  private readonly identity = new IdentityEmulation({ accountId: ACCOUNT_ID });
  private readonly api = new LambdaApi(this);
  private readonly allowedHosts: string[];
  private guard: (req: http.IncomingMessage) => void = () => {
    throw new ApiError(503, 'ServiceException', 'The emulator is not listening yet');
  };
  private readonly environments = new Set<Environment>();
  /** The Lambda API's listener on the executor's network (EnvironmentNetwork), for environments that cannot reach 127.0.0.1. */
  private networkServer: http.Server | null = null;
  private networkEndpoint: string | null = null;
  /** The emulator's own directory (code, environments' private directories), removed when it ends. */
  readonly workDir: string;
  readonly scratchRoot: string;
  readonly reaper: Reaper;
  private server: http.Server | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Invocations in flight, per function. */
  private readonly busyByFunction = new Map<string, number>();
  private readonly asyncInvoker: AsyncInvoker;
  endpoint = '';

  constructor(options: EmulatorOptions = {}) {
    this.region = options.region ?? EMULATOR_DEFAULTS.region;
    this.concurrency = options.concurrency ?? EMULATOR_DEFAULTS.concurrency;
    this.keepAliveS = options.keepAliveS ?? EMULATOR_DEFAULTS.keepAliveS;
    this.initCpu = options.initCpu ?? EMULATOR_DEFAULTS.initCpu;
    this.cores = options.cores ?? new CoreAllocator();
    this.executor = options.executor ?? new ProcessExecutor();
    this.accessKey = options.requireAuth ? newAccessKey() : null;
    this.allowedHosts = options.allowedHosts ?? [];
    this.faults = new Faults(options.faults);
    this.logs = this.faults.logs(this.region, ACCOUNT_ID);
    // What dead emulators left behind goes first; then a reaper makes sure this one leaves nothing, however it ends.
    removeStaleWorkDirs(os.tmpdir());
    this.reaper = new Reaper();
    // Named with this process's id, so an emulator that starts can tell what a dead one left behind.
    this.workDir = mkdtempSync(path.join(os.tmpdir(), `vcpu-bench-emulator-${process.pid}-`));
    // Traversable (not listable) by the unprivileged user environments may run as: they read their code below it.
    chmodSync(this.workDir, 0o711);
    this.reaper.removeOnExit(this.workDir);
    this.scratchRoot = path.join(this.workDir, 'envs');
    mkdirSync(this.scratchRoot, { mode: 0o711 });
    this.registry = new FunctionRegistry(this.region, path.join(this.workDir, 'code'), (fn, version) =>
      this.retire(fn, version),
    );
    this.asyncInvoker = new AsyncInvoker(this, options.asyncRetryDelaysMs);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res);
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    this.endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    this.guard = requestGuard({ port: address.port, listenHost: host, extraNames: this.allowedHosts });
    await this.listenOnNetwork();
    this.idleTimer = setInterval(() => this.reap(), 1000);
    this.idleTimer.unref();
    return this.endpoint;
  }

  /**
   * A second listener of the Lambda API at the executor's network address, for environments that cannot reach this
   * host's loopback (containers). It admits connections only from that network (EnvironmentNetwork.admits) and
   * requests only addressed to it, with the same guard and signature check as the main listener.
   */
  private async listenOnNetwork(): Promise<void> {
    const network = this.executor.network;
    if (!network) return;
    const server = http.createServer();
    this.networkServer = server;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, network.hostAddress, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const guard = requestGuard({ port, listenHost: network.hostAddress, extraNames: [] });
    server.on('connection', (socket) => {
      if (!network.admits(socket.remoteAddress)) socket.destroy();
    });
    server.on('request', (req, res) => this.onRequest(req, res, guard));
    this.networkEndpoint = `http://${network.hostAddress}:${port}`;
  }

  /** The Lambda API as environments reach it (AWS_ENDPOINT_URL_LAMBDA): on the executor's network, or where it listens. */
  get environmentEndpoint(): string {
    return this.networkEndpoint ?? this.endpoint;
  }

  get cpuEnforced(): boolean {
    return this.executor.cpuEnforced;
  }

  status(): EmulatorStatus {
    return {
      endpoint: this.endpoint,
      executor: this.executor.kind,
      executorInfo: this.executor.info ?? PROCESS_EXECUTOR_INFO,
      cgroupDetail: this.executor.detail,
      cpuEnforced: this.executor.cpuEnforced,
      hostCores: os.cpus().length,
      cpus: formatCpuList(this.cores.cpus),
      initCpu: this.initCpu,
      concurrency: this.concurrency,
      environments: [...this.environments].map((e) => ({
        id: e.id,
        functionName: e.fn.name,
        state: e.state,
        frozen: e.frozen,
        cpuQuota: e.cpuQuota,
        cores: formatCpuList(e.cores),
        pid: e.pid,
        runtimeApi: e.runtimeApi,
      })),
      oversubscription: this.oversubscription(),
      faults: { injecting: this.faults.describe(), counts: { ...this.faults.counts } },
    };
  }

  notePressure(): void {
    const value = this.oversubscription();
    for (const env of this.environments) env.notePressure(value);
  }

  oversubscription(): number {
    return CoreAllocator.oversubscription(this.environments);
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    await this.asyncInvoker.close();
    await Promise.all([...this.environments].map((e) => e.shutdown()));
    this.environments.clear();
    await Promise.all(
      [this.server, this.networkServer].map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    await this.executor.dispose();
    this.faults.dispose();
    rmSync(this.workDir, { recursive: true, force: true });
    this.reaper.close();
  }

  // ---------- environments ----------

  /** Environments of a function (of one version, or all) that must not be used again: kill the idle ones now. */
  private retire(fn: FunctionRecord, version: string | null): void {
    for (const env of this.environments) {
      if (env.fn.name === fn.name && (version === null || env.fn.version === version) && env.state !== 'busy') {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  /** Whether an environment still runs what its function and version are now. */
  private isCurrent(env: Environment): boolean {
    try {
      const r = this.registry.resolve(env.fn.name, env.fn.version);
      return env.fn.version !== '$LATEST' || r.fn.generation === env.fn.generation;
    } catch {
      return false;
    }
  }

  private reap(): void {
    const now = Date.now();
    for (const env of this.environments) {
      if (env.state === 'dead') this.environments.delete(env);
      else if (env.state === 'idle' && now - env.lastUsedAt > this.keepAliveS * 1000) {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  /** The most recently used idle environment of the same function and configuration: the one that stays warm. */
  private idleEnvironment(view: EnvFunctionView): Environment | null {
    let best: Environment | null = null;
    for (const env of this.environments) {
      const same =
        env.fn.name === view.name && env.fn.version === view.version && env.fn.generation === view.generation;
      if (same && env.state === 'idle' && (!best || env.lastUsedAt > best.lastUsedAt)) best = env;
    }
    return best;
  }

  private environmentView(r: Resolved): EnvFunctionView {
    const c = r.config;
    return {
      name: r.fn.name,
      version: r.version,
      arn: this.registry.arnOf(r.fn.name, r.version === '$LATEST' ? null : r.version),
      memoryMb: c.memorySize,
      timeoutS: c.timeout,
      handler: c.handler,
      codeDir: c.codeDir,
      logFormat: c.logFormat,
      environment: c.environment,
      ephemeralStorageMb: c.ephemeralStorageMb,
      // Versions never change; $LATEST changes with every update.
      generation: r.version === '$LATEST' ? r.fn.generation : 0,
    };
  }

  /** A new environment of the kind the executor drives: one serving a Runtime API, or one invoked directly (RIE). */
  private newEnvironment(view: EnvFunctionView): Environment {
    const executor = this.executor;
    return executor.protocol === 'direct'
      ? new DirectEnvironment(view, this, executor)
      : new ExecutionEnvironment(view, this);
  }

  private async acquire(view: EnvFunctionView): Promise<Environment> {
    const best = this.idleEnvironment(view);
    if (best) {
      best.state = 'busy';
      return best;
    }
    const env = this.newEnvironment(view);
    env.state = 'busy';
    this.environments.add(env);
    try {
      await env.start();
    } catch (error) {
      // An environment that could not start must not linger as busy.
      env.kill();
      this.environments.delete(env);
      throw error;
    }
    return env;
  }

  /**
   * Throttles as Lambda does: a function with reserved concurrency at its reservation, the others together at what
   * the account has left unreserved.
   */
  private admit(fn: FunctionRecord): void {
    const inFlight = this.busyByFunction.get(fn.name) ?? 0;
    if (fn.reservedConcurrency !== null) {
      if (inFlight >= fn.reservedConcurrency) {
        throw throttled('Rate Exceeded.', 'ReservedFunctionConcurrentInvocationLimitExceeded');
      }
      return;
    }
    const reserved = new Set(
      this.registry
        .list()
        .filter((f) => f.reservedConcurrency !== null)
        .map((f) => f.name),
    );
    let unreservedBusy = 0;
    for (const [name, n] of this.busyByFunction) if (!reserved.has(name)) unreservedBusy += n;
    if (unreservedBusy >= this.concurrency - this.registry.reservedSum()) {
      throw throttled('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
  }

  /** Runs one invocation of the version `r` names. */
  async invoke(r: Resolved, payload: string, clientContext: string | null = null): Promise<InvocationOutcome> {
    const fn = r.fn;
    if (fn.state !== 'Active') {
      throw new ApiError(
        409,
        'ResourceConflictException',
        `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`,
      );
    }
    this.admit(fn);
    const view = this.environmentView(r);
    const injected = this.faults.beforeInvoke(view, this.idleEnvironment(view) === null, this.logs);
    if (injected) return injected;
    this.busyByFunction.set(fn.name, (this.busyByFunction.get(fn.name) ?? 0) + 1);
    let env: Environment | null = null;
    try {
      env = await this.acquire(view);
      return await env.invoke(randomUUID(), payload, clientContext);
    } finally {
      const left = (this.busyByFunction.get(fn.name) ?? 1) - 1;
      if (left > 0) this.busyByFunction.set(fn.name, left);
      else this.busyByFunction.delete(fn.name);
      if (env && (env.state === 'dead' || !this.isCurrent(env))) {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  /** Resolves once every Event invocation has run, retries included (or been dropped). */
  asyncIdle(): Promise<void> {
    return this.asyncInvoker.idle();
  }

  /** Event invocations: accepted at once, run and retried in the background (async-invocations.ts). */
  invokeAsync(r: Resolved, payload: string): void {
    this.asyncInvoker.submit(r, payload);
  }

  // ---------- HTTP ----------

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    guard: (req: http.IncomingMessage) => void,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    guard(req);
    if (isQueryProtocol(req, url)) {
      const body = await readBodyCapped(req, QUERY_BODY_BYTES, () => requestTooLarge('IAM/STS', QUERY_BODY_BYTES));
      if (this.accessKey) await verifySignature(req, body, this.accessKey);
      const answer = this.identity.handle(req.headers.authorization, body.toString('utf8'));
      if (answer) {
        res.writeHead(answer.status, {
          'content-type': 'text/xml',
          'content-length': Buffer.byteLength(answer.body),
          'x-amzn-requestid': randomUUID(),
        });
        res.end(answer.body);
        return;
      }
    }
    const match = matchRoute(LAMBDA_ROUTES, req.method ?? 'GET', url.pathname);
    if (!match) {
      throw new ApiError(
        404,
        'UnknownOperationException',
        `The local emulator does not implement ${req.method} ${url.pathname}`,
      );
    }
    const { limitBytes, tooLarge } = bodyLimit(match.route, req);
    const body = await readBodyCapped(req, limitBytes, tooLarge);
    if (this.accessKey && !match.route.unsigned) await verifySignature(req, body, this.accessKey);
    this.faults.beforeOperation(match.route.operation, body);
    sendReply(res, await match.route.handle(this.api, { req, url, params: match.params, body }));
  }

  private onRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    guard: (req: http.IncomingMessage) => void = this.guard,
  ): void {
    this.handle(req, res, guard).catch((error: unknown) => {
      // A request refused before its body was read: close the connection rather than read the rest.
      if (!req.readableEnded) res.setHeader('connection', 'close');
      const logsProtocol = typeof req.headers['x-amz-target'] === 'string';
      sendError(res, error, logsProtocol ? 'application/x-amz-json-1.1' : 'application/json');
    });
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}
