/**
 * What removes an emulator's containers, network and images when the emulator dies without doing it (SIGKILL, OOM).
 * Killing an emulator does not stop its containers: `docker run` clients die with it, the containers do not (and a
 * frozen one cannot even notice its Runtime API is gone). So each docker executor starts this watchdog: a small shell
 * in a session of its own (a signal to the emulator's process group does not reach it), reading what the emulator
 * tells it on a pipe. When the pipe closes, which it does when the emulator exits for any reason, it thaws the
 * containers the emulator froze and removes everything carrying the emulator's label. After a clean dispose it finds
 * nothing left and exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * `$1` the docker client, `$2` the label filter (`key=value`). Lines in: `f <dir>`, a container's freezer cgroup
 * directory (or its v2 cgroup) to thaw before removal; paths never contain spaces (docker's ids are hex).
 */
const WATCHDOG_SCRIPT = `
dirs=''
while read -r kind arg; do
  [ "$kind" = f ] && dirs="$dirs $arg"
done
for d in $dirs; do
  [ -f "$d/freezer.state" ] && echo THAWED > "$d/freezer.state"
  [ -f "$d/cgroup.freeze" ] && echo 0 > "$d/cgroup.freeze"
done 2>/dev/null
ids=$("$1" ps --all --quiet --no-trunc --filter "label=$2" 2>/dev/null)
[ -n "$ids" ] && "$1" rm --force $ids >/dev/null 2>&1
nets=$("$1" network ls --quiet --filter "label=$2" 2>/dev/null)
[ -n "$nets" ] && "$1" network rm $nets >/dev/null 2>&1
images=$("$1" image ls --quiet --filter "label=$2" 2>/dev/null)
[ -n "$images" ] && "$1" image rm --force $images >/dev/null 2>&1
exit 0
`;

export class Watchdog {
  private readonly child: ChildProcess;

  constructor(dockerBinary: string, labelFilter: string) {
    this.child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'vcpu-bench-docker-watchdog', dockerBinary, labelFilter], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    this.child.on('error', () => {
      // no shell: the executor still cleans up after itself; only a killed emulator would leave containers behind
    });
    this.child.stdin?.on('error', () => {
      // the watchdog is gone; nothing to tell it
    });
    // It must not keep the emulator alive: neither the process nor the pipe to it.
    this.child.unref();
    (this.child.stdin as Socket | null)?.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A container's freezer cgroup (or v2 cgroup), to thaw before removing it. */
  watchFreezer(dir: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(`f ${dir}\n`);
  }

  /** The executor has removed what it made: the watchdog checks once more and exits. */
  close(): void {
    this.child.stdin?.end();
  }
}
