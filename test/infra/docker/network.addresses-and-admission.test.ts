/**
 * The emulator's private network hands every container its own address and tells the network's addresses from any
 * other (the Lambda API's listener on it admits only those). Pure address arithmetic: no docker needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrivateNetwork, plainIPv4 } from '../../../infra/docker/network.js';

// The constructor is private: the network is made by create(), which needs docker. Its address logic is what is
// tested here, on an instance made the way create() makes it.
function network(base: string): PrivateNetwork {
  const make = PrivateNetwork as unknown as new (name: string, id: string, base: number) => PrivateNetwork;
  const n = base.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  return new make('vcpu-bench-test', 'id', n);
}

test('the host is .1, containers get distinct addresses from .2, and a released one is handed out again', () => {
  const net = network('10.210.4.0');
  assert.equal(net.subnet, '10.210.4.0/22');
  assert.equal(net.hostAddress, '10.210.4.1');
  const a = net.allocate();
  const b = net.allocate();
  assert.deepEqual([a, b], ['10.210.4.2', '10.210.4.3']);
  const all = new Set([a, b]);
  for (let i = 0; i < 1019; i++) all.add(net.allocate());
  assert.equal(all.size, 1021, 'every address of the /22 but the network, the host and the broadcast');
  assert.ok(all.has('10.210.7.254') && !all.has('10.210.7.255'));
  assert.throws(() => net.allocate(), /no free address/);
  net.release('10.210.5.9');
  assert.equal(net.allocate(), '10.210.5.9');
});

test("only the network's own addresses are admitted, in either notation", () => {
  const net = network('10.210.4.0');
  for (const ok of ['10.210.4.1', '10.210.4.2', '10.210.7.254', '::ffff:10.210.5.1']) assert.ok(net.admits(ok), ok);
  for (const no of ['10.210.4.0', '10.210.7.255', '10.210.8.1', '127.0.0.1', '172.17.0.2', '::1', undefined]) {
    assert.equal(net.admits(no), false, String(no));
  }
  assert.equal(plainIPv4('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(plainIPv4('fe80::1'), null);
});
