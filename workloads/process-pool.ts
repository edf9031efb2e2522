/**
 * `child_process` mode: a pool of `workers` forked processes, created on first use and kept for warm invocations;
 * a different `workers` replaces it. Idle children are unref'd so they never keep a plain `node` process alive.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildItem, ChildMessage, ChildRequest } from './child.js';
import type { HashTask } from './hash.js';

// Resolved beside this module: dist/workloads/ when compiled, the bundle's root when bundled.
const CHILD_FILE = fileURLToPath(new URL('./child.js', import.meta.url));

export interface ChildResult {
  hashes: string[];
  cpuUserMs: number;
  cpuSystemMs: number;
  pid: number;
}

let children: ChildProcess[] = [];
let nextId = 1;

function setReferenced(child: ChildProcess, referenced: boolean): void {
  // The IPC channel is what keeps the event loop alive; `channel` is undocumented in the types' older versions.
  const channel = (child as ChildProcess & { channel?: { ref(): void; unref(): void } }).channel;
  if (referenced) {
    child.ref();
    channel?.ref();
  } else {
    child.unref();
    channel?.unref();
  }
}

function spawnChild(): ChildProcess {
  const child = fork(CHILD_FILE, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  setReferenced(child, false);
  return child;
}

/** A child's progress report of one item (background mode). */
export type OnChildItem = (item: ChildItem['item']) => void;

function ask(child: ChildProcess, task: HashTask, onItem?: OnChildItem): Promise<ChildResult> {
  const id = nextId++;
  setReferenced(child, true);
  return new Promise<ChildResult>((resolve, reject) => {
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      setReferenced(child, false);
    };
    const onMessage = (reply: ChildMessage) => {
      if (reply.id !== id) return;
      if ('item' in reply) {
        onItem?.(reply.item);
        return;
      }
      done();
      if (reply.ok)
        resolve({ hashes: reply.hashes, cpuUserMs: reply.cpuUserMs, cpuSystemMs: reply.cpuSystemMs, pid: reply.pid });
      else reject(new Error(`child ${child.pid} failed: ${reply.error}`));
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      children = children.filter((c) => c !== child);
      reject(new Error(`child ${child.pid} exited (code ${code}, signal ${signal}) before answering`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    const request: ChildRequest = { id, task, ...(onItem ? { progress: true } : {}) };
    child.send(request);
  });
}

/** The pool of `size` children, created (or replaced) when it has another size or a child died. */
function poolOf(size: number): { pool: ChildProcess[]; created: boolean } {
  if (children.length === size && children.every((c) => c.exitCode === null && c.signalCode === null)) {
    return { pool: children, created: false };
  }
  closeProcessPool();
  children = Array.from({ length: size }, spawnChild);
  return { pool: children, created: true };
}

export async function runOnChildren(
  tasks: HashTask[],
  size: number,
): Promise<{ results: ChildResult[]; created: boolean; pids: number[] }> {
  const { pool, created } = poolOf(size);
  const results = await Promise.all(tasks.map((task, i) => ask(pool[i % pool.length] as ChildProcess, task)));
  return { results, created, pids: pool.map((c) => c.pid ?? -1) };
}

/**
 * Background mode: hand each task to a child of the same pool without waiting; `onItem` hears of every item as the
 * child completes it. The promises settle when each child has answered for its whole share.
 */
export function startOnChildren(
  tasks: HashTask[],
  size: number,
  onItem: OnChildItem,
): { results: Promise<ChildResult>[]; created: boolean; pids: number[] } {
  const { pool, created } = poolOf(size);
  const results = tasks.map((task, i) => ask(pool[i % pool.length] as ChildProcess, task, onItem));
  return { results, created, pids: pool.map((c) => c.pid ?? -1) };
}

/** Makes sure the pool exists at this size (a collecting invocation readies the environment for the next one). */
export function readyProcessPool(size: number): boolean {
  return poolOf(size).created;
}

export function closeProcessPool(): void {
  for (const child of children) child.kill();
  children = [];
}
