/**
 * `child_process` mode: a pool of `workers` forked processes, created on first use and kept for warm invocations;
 * a different `workers` replaces it. Idle children are unref'd so they never keep a plain `node` process alive.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './child.js';
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

function ask(child: ChildProcess, task: HashTask): Promise<ChildResult> {
  const id = nextId++;
  setReferenced(child, true);
  return new Promise<ChildResult>((resolve, reject) => {
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      setReferenced(child, false);
    };
    const onMessage = (reply: ChildReply) => {
      if (reply.id !== id) return;
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
    const request: ChildRequest = { id, task };
    child.send(request);
  });
}

export async function runOnChildren(
  tasks: HashTask[],
  size: number,
): Promise<{ results: ChildResult[]; created: boolean; pids: number[] }> {
  let created = false;
  if (children.length !== size || children.some((c) => c.exitCode !== null || c.signalCode !== null)) {
    closeProcessPool();
    children = Array.from({ length: size }, spawnChild);
    created = true;
  }
  const pool = children;
  const results = await Promise.all(tasks.map((task, i) => ask(pool[i % pool.length] as ChildProcess, task)));
  return { results, created, pids: pool.map((c) => c.pid ?? -1) };
}

export function closeProcessPool(): void {
  for (const child of children) child.kill();
  children = [];
}
