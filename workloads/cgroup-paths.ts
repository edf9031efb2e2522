/**
 * Where this process's cgroups are, from /proc: the cgroup mounts (/proc/self/mountinfo), the process's cgroup path
 * per v1 controller and in v2 (/proc/self/cgroup), and the directory that path is under a mount. Read by the function
 * (the CPU quota it runs under) and by the emulator (where to put its environments' cgroups); no dependencies, so it
 * bundles into the Lambda zip as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CgroupMount {
  type: 'cgroup' | 'cgroup2';
  /** The cgroup path mounted here ("/" unless a cgroup namespace or a bind mount shows a subtree). */
  root: string;
  mountPoint: string;
  /** Super options: for v1, the controllers of the hierarchy (e.g. cpu, cpuacct). */
  options: string[];
}

export function readProcText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** mountinfo lines read "id parent major:minor root mountpoint opts ... - fstype source superopts". */
export function cgroupMounts(): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of (readProcText('/proc/self/mountinfo') ?? '').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [type, , superOpts] = right.split(' ');
    if ((type === 'cgroup' || type === 'cgroup2') && fields[3] && fields[4]) {
      out.push({ type, root: fields[3], mountPoint: fields[4], options: (superOpts ?? '').split(',') });
    }
  }
  return out;
}

/** The process's own cgroup path per v1 controller, and for v2 under the key ''. */
export function ownCgroups(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of (readProcText('/proc/self/cgroup') ?? '').split('\n')) {
    const [id, controllers, cgPath] = line.split(':');
    if (id === undefined || controllers === undefined || cgPath === undefined) continue;
    if (id === '0' && controllers === '') map.set('', cgPath);
    else for (const c of controllers.split(',')) map.set(c, cgPath);
  }
  return map;
}

/** The directory of cgroup path `cgPath` under `mount`. */
export function cgroupDir(mount: CgroupMount, cgPath: string): string {
  const rel = mount.root !== '/' && cgPath.startsWith(mount.root) ? cgPath.slice(mount.root.length) : cgPath;
  // resolve, not join: the root cgroup "/" must give the mount point itself, without a trailing slash.
  return path.resolve(mount.mountPoint, `.${rel.startsWith('/') ? rel : `/${rel}`}`);
}
