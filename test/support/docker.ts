/**
 * Test support for docker: runs scripts/docker/ensure-docker.sh once per test process (it installs and starts docker
 * where it can), builds the stand-in base image once (cached across runs: the only image tests leave behind), and
 * tracks every container and image a test makes so it can be removed whatever happens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import {
  type ContainerHandle,
  type ContainerSpec,
  type EnsureDockerResult,
  ensureDocker,
  removeContainer,
  removeImage,
  startContainer,
} from '../../infra/docker/docker.js';
import { ensureStandinImage, type StandinImage } from '../../infra/docker/standin-image.js';

/** Label on everything the tests make, with the test process's pid as value. */
export const TEST_LABEL = 'vcpu-bench.test';

let ensured: Promise<EnsureDockerResult> | undefined;
let standin: Promise<StandinImage> | undefined;

/** The ensure script's verdict, once per process. */
export function dockerReady(): Promise<EnsureDockerResult> {
  ensured ??= ensureDocker();
  return ensured;
}

/**
 * True when docker runs; otherwise marks the test skipped with the ensure script's reason, and the test returns.
 * A skip is reported as a skip, never as a pass.
 */
export async function requireDockerOrSkip(t: TestContext): Promise<boolean> {
  const docker = await dockerReady();
  if (!docker.ready) t.skip(docker.line);
  return docker.ready;
}

/** The stand-in base image, built once and kept (it is the only image the tests leave). */
export function standinImage(): Promise<StandinImage> {
  standin ??= ensureStandinImage();
  return standin;
}

/** Unique per test process and call: container and image names never collide with another run's. */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `vcpu-bench-test-${prefix}-${process.pid}-${counter}`;
}

/** A directory holding `index.js` with the given source (CommonJS, as a plain .js file in a Lambda zip is). */
export function codeDir(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-test-code-'));
  writeFileSync(path.join(dir, 'index.js'), source);
  return dir;
}

/** Collects what a test made and removes it at the end, containers before images. */
export class DockerCleanup {
  private readonly containers = new Set<string>();
  private readonly images = new Set<string>();
  private readonly dirs = new Set<string>();

  container(name: string): string {
    this.containers.add(name);
    return name;
  }

  image(tag: string): string {
    this.images.add(tag);
    return tag;
  }

  dir(dir: string): string {
    this.dirs.add(dir);
    return dir;
  }

  /** Starts a container, labelled as the tests' and registered for removal. */
  start(spec: ContainerSpec): ContainerHandle {
    this.container(spec.name);
    return startContainer({ ...spec, labels: { [TEST_LABEL]: String(process.pid), ...spec.labels } });
  }

  async run(): Promise<void> {
    for (const name of this.containers) await removeContainer(name);
    for (const tag of this.images) await removeImage(tag);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.containers.clear();
    this.images.clear();
    this.dirs.clear();
  }
}

/** Everything a readable stream says, as it arrives. */
export function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { text: () => text };
}

/** Polls `check` every 25 ms until it returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** POSTs to a URL; retries while nothing listens yet (the container is starting). */
export async function postWhenListening(
  url: string,
  body: string,
  timeoutMs = 30_000,
): Promise<{ status: number; text: string }> {
  return eventually(`an answer from ${url}`, timeoutMs, async () => {
    try {
      const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, text: await res.text() };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') return undefined;
      throw error;
    }
  });
}
