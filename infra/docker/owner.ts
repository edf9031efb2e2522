/**
 * Who made a container, network or image: every one the docker executor makes carries its emulator's id and the
 * emulator process's identity (pid, its start time, the boot), so an emulator that starts can tell what a dead one
 * left behind from what a live one (another user's, another test's) is using, and remove only the former.
 */
import { randomBytes } from 'node:crypto';
import { readProcText } from '../../workloads/cgroup-paths.js';
import { type DockerObjectKind, forceRemoveContainers, listLabelled, removeNetwork, runDocker } from './docker.js';

/** The emulator's id: on every container, network and image it makes. */
export const LABEL_EMULATOR = 'vcpu-bench.emulator';
const LABEL_PID = 'vcpu-bench.emulator.pid';
/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
const LABEL_STARTED = 'vcpu-bench.emulator.started';
const LABEL_BOOT = 'vcpu-bench.emulator.boot';

function bootId(): string {
  return readProcText('/proc/sys/kernel/random/boot_id') ?? 'unknown';
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function startTicks(pid: number): string | null {
  const stat = readProcText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

export interface Owner {
  id: string;
  labels: Record<string, string>;
}

/** This emulator's id and labels. */
export function newOwner(): Owner {
  const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
  return {
    id,
    labels: {
      [LABEL_EMULATOR]: id,
      [LABEL_PID]: String(process.pid),
      [LABEL_STARTED]: startTicks(process.pid) ?? 'unknown',
      [LABEL_BOOT]: bootId(),
    },
  };
}

/** Whether the emulator that labelled an object is gone: its process no longer runs (or the pid is another's now). */
export function ownerIsDead(labels: Record<string, string>): boolean {
  if (labels[LABEL_BOOT] !== bootId()) return true;
  const pid = Number(labels[LABEL_PID]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  const started = startTicks(pid);
  return started === null || started !== labels[LABEL_STARTED];
}

/**
 * Removes the containers, networks and images dead emulators left (containers first: a network or image in use
 * cannot go). Returns how many of each it removed.
 */
export async function removeDeadOwners(): Promise<Record<DockerObjectKind, number>> {
  const removed: Record<DockerObjectKind, number> = { container: 0, network: 0, image: 0 };
  for (const kind of ['container', 'network', 'image'] as const) {
    const dead = (await listLabelled(kind, LABEL_EMULATOR)).filter((o) => ownerIsDead(o.labels));
    if (dead.length === 0) continue;
    const ids = dead.map((o) => o.id);
    if (kind === 'container') await forceRemoveContainers(ids);
    else if (kind === 'network') for (const id of ids) await removeNetwork(id);
    else await runDocker(['image', 'rm', '--force', ...ids]);
    removed[kind] = ids.length;
  }
  return removed;
}
