/**
 * What an execution environment's process runs as, and what /tmp it sees. On Lambda each environment has its own
 * /tmp of EphemeralStorage.Size and runs as an unprivileged sandbox user. Here, when the emulator is root (as CI runs
 * it), each environment gets a private mount namespace with a tmpfs /tmp of that size and drops to an unprivileged
 * user that owns nothing on the host; otherwise it runs as the emulator's user with a private TMPDIR, which is not
 * size-limited and leaves /tmp itself shared: the start-up line says which. Where util-linux's `setpriv` exists the
 * process also asks the kernel to kill it when the emulator dies (PR_SET_PDEATHSIG).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

/**
 * The sandbox user: far above login and system account ranges, so it owns no file on the host and can read only what
 * is world-readable. (Lambda's own sandbox user is an ordinary unprivileged account of its microVM.)
 */
export const SANDBOX_UID = 100_993;
export const SANDBOX_GID = 100_990;

export interface Sandbox {
  /** `private`: own tmpfs /tmp and the sandbox user; `shared`: the emulator's user, TMPDIR only. */
  mode: 'private' | 'shared';
  detail: string;
  /** Whether setpriv can tie the environment's life to the emulator's (parent-death signal). */
  deathSignal: boolean;
  /** uid/gid the environment runs as in `private` mode. */
  uid: number;
  gid: number;
}

/**
 * In the new mount namespace: mounts the tmpfs (sized by VCPU_BENCH_TMP_MB) on /tmp, then brings back, read-only, the
 * two directories the environment needs that the new /tmp may hide (the host's TMPDIR is usually /tmp): its code
 * (VCPU_BENCH_CODE_DIR, read-only as Lambda's /var/task is) and the runtime client's package (VCPU_BENCH_RUNTIME_DIR).
 * They are opened before the mount and bound from those open descriptors afterwards.
 */
const MOUNT_TMP = [
  'exec 3<"$VCPU_BENCH_CODE_DIR" 4<"$VCPU_BENCH_RUNTIME_DIR" || exit 96',
  'mount -t tmpfs -o "size=${VCPU_BENCH_TMP_MB}m,mode=1777,nosuid,nodev" vcpu-bench-tmp /tmp || exit 96',
  // -c: mount must not resolve /proc/self/fd/N to a path name, which the new /tmp would hide.
  'keep() { mkdir -p "$2" && mount -c --bind "/proc/self/fd/$1" "$2" && mount -c -o remount,bind,ro "$2"; }',
  'case "$VCPU_BENCH_CODE_DIR" in /tmp/*) keep 3 "$VCPU_BENCH_CODE_DIR" || exit 96;; esac',
  'case "$VCPU_BENCH_RUNTIME_DIR" in /tmp/*) keep 4 "$VCPU_BENCH_RUNTIME_DIR" || exit 96;; esac',
  'exec 3<&- 4<&-',
  'cd "$VCPU_BENCH_CODE_DIR" || exit 96',
  'exec "$@"',
].join('\n');

/** What the sandbox command reads from the environment: the /tmp size and the directories to keep visible. */
export function sandboxEnv(tmpMb: number, codeDir: string, runtimeDir: string): Record<string, string> {
  return { VCPU_BENCH_TMP_MB: String(tmpMb), VCPU_BENCH_CODE_DIR: codeDir, VCPU_BENCH_RUNTIME_DIR: runtimeDir };
}

/**
 * The command that runs `argv` in the sandbox: `unshare` + tmpfs + `setpriv` to the sandbox user in `private` mode,
 * `setpriv --pdeathsig` alone in `shared` mode where setpriv exists, `argv` itself otherwise.
 */
export function sandboxed(sandbox: Sandbox, argv: string[]): string[] {
  const setpriv = sandbox.deathSignal ? ['setpriv', '--pdeathsig', 'KILL'] : [];
  if (sandbox.mode === 'shared') return [...setpriv, ...argv];
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    MOUNT_TMP,
    'vcpu-bench-tmp',
    ...(setpriv.length > 0 ? setpriv : ['setpriv']),
    `--reuid=${sandbox.uid}`,
    `--regid=${sandbox.gid}`,
    '--clear-groups',
    '--no-new-privs',
    ...argv,
  ];
}

function runs(argv: string[], env: NodeJS.ProcessEnv = {}): boolean {
  const [file, ...args] = argv;
  if (!file) return false;
  const result = spawnSync(file, args, { stdio: 'ignore', timeout: 10_000, env: { ...process.env, ...env } });
  return result.status === 0;
}

/**
 * Tries, once per emulator, what this host allows: a private mount namespace with a tmpfs /tmp and the sandbox user
 * able to start node on the runtime client (`probe`: node's path, then the runtime client's path).
 */
export function detectSandbox(probe: [node: string, bootstrap: string, runtimeDir: string]): Sandbox {
  const deathSignal = os.platform() === 'linux' && runs(['setpriv', '--pdeathsig', 'KILL', 'true']);
  const base = { uid: SANDBOX_UID, gid: SANDBOX_GID, deathSignal };
  const shared = (why: string): Sandbox => ({
    ...base,
    mode: 'shared',
    detail: `/tmp shared with the host, a private TMPDIR per environment, not size-limited (${why})`,
  });
  if (os.platform() !== 'linux') return shared('not Linux');
  if (process.getuid?.() !== 0) return shared('not root: run as root for a private /tmp and user');
  const [node, bootstrap, runtimeDir] = probe;
  const check = [
    '-e',
    `require('node:fs').accessSync(${JSON.stringify(bootstrap)}, require('node:fs').constants.R_OK)`,
  ];
  const trial: Sandbox = { ...base, mode: 'private', detail: '' };
  if (!runs(sandboxed(trial, [node, ...check]), sandboxEnv(1, runtimeDir, runtimeDir))) {
    return shared(`cannot mount a private /tmp or run ${node} on ${bootstrap} as uid ${SANDBOX_UID}`);
  }
  return {
    ...trial,
    detail: `a private tmpfs /tmp of EphemeralStorage per environment, run as uid ${SANDBOX_UID} (its pages count towards the memory limit)`,
  };
}
