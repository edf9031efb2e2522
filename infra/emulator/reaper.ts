/**
 * What cleans up after an emulator that is killed (SIGKILL, OOM) before it can. An environment frozen by the cgroup v1
 * freezer cannot act on a parent-death signal or notice its parent is gone; a dead emulator's temporary directory
 * would stay forever. So each emulator starts a reaper: a tiny shell, in a process group of its own (a Ctrl-C to the
 * emulator's group does not reach it), reading what the emulator tells it on a pipe. When the pipe closes, which it
 * does when the emulator exits for any reason, the reaper thaws and kills every environment still registered (cgroups
 * first, then process groups), removes their cgroups and the emulator's directory, and exits. After a clean close the
 * same steps find nothing left to do.
 *
 * And for emulators that died before reapers existed, or whose reaper was killed with them: an emulator that starts
 * removes the directories dead emulators left (staleWorkDirs below; cgroups.ts sweeps their cgroups).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pidAlive } from '../../lib/process.js';

/**
 * Lines in: `e <pgid> <cgroup dir>...` registers an environment, `x <pgid>` forgets it (it exited: its process group
 * id may be reused), `d <dir>` names a directory to remove. Paths contain no spaces (the emulator makes them).
 */
const REAPER_SCRIPT = `
envs=''; dirs=''
while read -r kind pgid rest; do
  case "$kind" in
    e) envs="$envs
$pgid $rest" ;;
    x) envs=$(printf '%s\\n' "$envs" | grep -v "^$pgid " || true) ;;
    d) dirs="$dirs $pgid" ;;
  esac
done
printf '%s\\n' "$envs" | while read -r pgid groups; do
  [ -n "$pgid" ] || continue
  for g in $groups; do
    [ -f "$g/freezer.state" ] && echo THAWED > "$g/freezer.state"
    [ -f "$g/cgroup.freeze" ] && echo 0 > "$g/cgroup.freeze"
    [ -f "$g/cgroup.procs" ] && while read -r p; do kill -9 "$p"; done < "$g/cgroup.procs"
  done
  kill -CONT -- "-$pgid"; kill -9 -- "-$pgid"
done 2>/dev/null
sleep 0.3
printf '%s\\n' "$envs" | while read -r pgid groups; do
  for g in $groups; do rmdir "$g" && rmdir "$(dirname "$g")"; done
done 2>/dev/null
for d in $dirs; do rm -rf -- "$d"; done
`;

export class Reaper {
  private readonly child: ChildProcess;

  constructor() {
    this.child = spawn('/bin/sh', ['-c', REAPER_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.child.on('error', () => {
      // no shell: the emulator still cleans up after itself; only a killed one leaves things behind
    });
    this.child.stdin?.on('error', () => {
      // the reaper is gone; nothing to tell it
    });
    // The reaper must not keep this process alive, nor die with its terminal's Ctrl-C.
    this.child.unref();
  }

  private tell(line: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(`${line}\n`);
  }

  removeOnExit(dir: string): void {
    this.tell(`d ${dir}`);
  }

  watchEnvironment(pgid: number, cgroupDirs: readonly string[]): void {
    this.tell(`e ${pgid} ${cgroupDirs.join(' ')}`);
  }

  forgetEnvironment(pgid: number): void {
    this.tell(`x ${pgid}`);
  }

  /** The emulator is done: the reaper checks once more, finds nothing, and exits. */
  close(): void {
    this.child.stdin?.end();
  }
}

/** Work directories (`vcpu-bench-emulator-<pid>-*`) of emulators that are no longer running, under `parent`. */
export function staleWorkDirs(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      const m = /^vcpu-bench-emulator-(\d+)-/.exec(name);
      return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
    })
    .map((name) => path.join(parent, name));
}

export function removeStaleWorkDirs(parent: string): void {
  for (const dir of staleWorkDirs(parent)) rmSync(dir, { recursive: true, force: true });
}
