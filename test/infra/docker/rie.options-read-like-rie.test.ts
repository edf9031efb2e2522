import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRieOptions, RieOptionsError } from '../../../infra/docker/rie/options.js';

const noFiles = () => false;

test('without arguments or environment: RIE defaults (8080 on every interface, Runtime API on 127.0.0.1:9001, 300 s, 3008 MB)', () => {
  const o = parseRieOptions([], {}, (f) => f === '/var/runtime/bootstrap', '/somewhere');
  assert.equal(o.listenHost, '0.0.0.0');
  assert.equal(o.listenPort, 8080);
  assert.equal(o.runtimeApiHost, '127.0.0.1');
  assert.equal(o.runtimeApiPort, 9001);
  assert.equal(o.timeoutS, 300);
  assert.equal(o.memorySize, '3008');
  assert.equal(o.functionName, null);
  assert.equal(o.functionVersion, '$LATEST');
  // RIE looks for /var/task/bootstrap, /opt/bootstrap, /var/runtime/bootstrap, and runs it in /var/task.
  assert.deepEqual(o.bootstrap, ['/var/runtime/bootstrap']);
  assert.equal(o.cwd, '/var/task');
});

test('the first word that is not a flag starts the runtime command; with two words or more the last is the handler', () => {
  const o = parseRieOptions(
    [
      '--runtime-interface-emulator-address',
      '127.0.0.1:18080',
      '--runtime-api-address=127.0.0.1:19001',
      '/usr/bin/node',
      'rt.js',
      'app.handler',
    ],
    {},
    noFiles,
    '/work',
  );
  assert.equal(o.listenHost, '127.0.0.1');
  assert.equal(o.listenPort, 18080);
  assert.equal(o.runtimeApiPort, 19001);
  assert.deepEqual(o.bootstrap, ['/usr/bin/node', 'rt.js', 'app.handler']);
  assert.equal(o.handler, 'app.handler');
  assert.equal(o.cwd, '/work');
});

test('one-word command: the handler comes from _HANDLER (the base images export it), unknown flags are ignored', () => {
  const o = parseRieOptions(
    ['--enable-init-caching', '/var/runtime/bootstrap'],
    { _HANDLER: 'index.handler' },
    noFiles,
    '/',
  );
  assert.deepEqual(o.bootstrap, ['/var/runtime/bootstrap']);
  assert.equal(o.handler, 'index.handler');
});

test('environment: timeout, memory (reported only), function name and version', () => {
  const o = parseRieOptions(
    [],
    {
      AWS_LAMBDA_FUNCTION_TIMEOUT: '7',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AWS_LAMBDA_FUNCTION_VERSION: '3',
      LOG_LEVEL: 'debug',
    },
    noFiles,
    '/',
  );
  assert.equal(o.timeoutS, 7);
  assert.equal(o.memorySize, '1769');
  assert.equal(o.functionName, 'fn');
  assert.equal(o.functionVersion, '3');
  assert.equal(o.logLevel, 'debug');
});

test('a timeout that is not whole seconds, or an address without a port, is refused by name', () => {
  assert.throws(() => parseRieOptions([], { AWS_LAMBDA_FUNCTION_TIMEOUT: '2.5' }, noFiles, '/'), RieOptionsError);
  assert.throws(
    () => parseRieOptions(['--runtime-interface-emulator-address', 'localhost'], {}, noFiles, '/'),
    /--runtime-interface-emulator-address localhost: must be host:port/,
  );
});
