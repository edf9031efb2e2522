/**
 * The docker executor's private network: one docker bridge network per emulator, `--internal` (no route out) and
 * without inter-container traffic (docker's enable_icc=false), on a subnet of its own so that every container gets an
 * address the emulator hands out (`--ip`) and knows before the container starts.
 *
 * What that buys (infra/docker/README.md "Privacy"): a container's Runtime API listens on this host's address on the
 * network and answers only connections from that container's address. No other container can connect from it (each
 * has its own address and no capability to change it or to forge packets: `--cap-drop ALL` takes NET_ADMIN and
 * NET_RAW), no local process can either (the address is not this host's: a socket cannot be bound to it), and
 * containers of this network cannot reach each other at all. The emulator's Lambda API listens there too, for fan-out,
 * and admits only connections from the network's own addresses.
 */
import { randomInt } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { EnvironmentNetwork } from '../emulator/executor.js';
import { createNetwork, DockerError, removeNetwork, SubnetTakenError } from './docker.js';

/** /22: 1,021 container addresses, as many as the emulator's largest account concurrency (1,000) needs. */
const PREFIX_LENGTH = 22;
const ATTEMPTS = 20;

function toInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A random /22 in 10.200.0.0-10.239.255.255, a corner of the private range docker and VPNs rarely pick. */
function candidateSubnet(): number {
  return toInt(`10.${200 + randomInt(40)}.${randomInt(64) * 4}.0`);
}

/** `::ffff:10.1.2.3` (an IPv4 peer on a dual-stack socket) as `10.1.2.3`. */
export function plainIPv4(address: string | undefined): string | null {
  if (address === undefined) return null;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(plain) ? plain : null;
}

export class PrivateNetwork implements EnvironmentNetwork {
  private readonly inUse = new Set<number>();
  private next: number;

  private constructor(
    readonly name: string,
    readonly id: string,
    /** The subnet's first address, as a number. */
    private readonly base: number,
  ) {
    // .0 is the network, .1 docker gives this host (the gateway); containers from .2 on.
    this.next = base + 2;
  }

  /** Creates the network on a subnet no other network here uses (it tries another one when docker says it overlaps). */
  static async create(name: string, labels: Record<string, string>): Promise<PrivateNetwork> {
    let last: unknown = null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const base = candidateSubnet();
      try {
        const id = await createNetwork({
          name,
          subnet: `${toAddress(base)}/${PREFIX_LENGTH}`,
          internal: true,
          interContainer: false,
          labels,
        });
        return new PrivateNetwork(name, id, base);
      } catch (error) {
        if (!(error instanceof SubnetTakenError)) throw error;
        last = error;
      }
    }
    throw new DockerError(`no free subnet for the emulator's network after ${ATTEMPTS} tries (${String(last)})`);
  }

  get subnet(): string {
    return `${toAddress(this.base)}/${PREFIX_LENGTH}`;
  }

  /** This host's address on the network (docker's gateway): where environments reach the emulator. */
  get hostAddress(): string {
    return toAddress(this.base + 1);
  }

  private get size(): number {
    return 2 ** (32 - PREFIX_LENGTH);
  }

  /** An address no running container of the network has; give it back with release(). */
  allocate(): string {
    const last = this.base + this.size - 2;
    for (let tried = 0; tried <= last - this.base - 2; tried++) {
      const candidate = this.next;
      this.next = candidate >= last ? this.base + 2 : candidate + 1;
      if (!this.inUse.has(candidate)) {
        this.inUse.add(candidate);
        return toAddress(candidate);
      }
    }
    throw new DockerError(`the emulator's network ${this.subnet} has no free address`);
  }

  release(address: string): void {
    this.inUse.delete(toInt(address));
  }

  /** Whether `address` is on this network: one of its containers, or this host's own address on it. */
  admits(address: string | undefined): boolean {
    const plain = plainIPv4(address);
    if (plain === null) return false;
    const n = toInt(plain);
    return n > this.base && n < this.base + this.size - 1;
  }

  async remove(): Promise<void> {
    await removeNetwork(this.id);
  }
}
