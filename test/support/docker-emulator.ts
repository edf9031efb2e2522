/**
 * Test support: an emulator whose environments are containers (the docker executor), on the stand-in base image
 * (built once per test process, test/support/docker.ts), with real SDK clients pointed at it. Made once per test file
 * and mode on first use; a test that cannot have one (no docker here) is skipped with the reason.
 */
import { after, type TestContext } from 'node:test';
import { createDockerExecutor, type DockerExecutor } from '../../infra/docker/executor.js';
import type { DockerMode } from '../../infra/docker/modes.js';
import type { EmulatorOptions } from '../../infra/emulator/emulator.js';
import { requireDockerOrSkip, standinImage } from './docker.js';
import { startTestEmulator, stopTestEmulator, type TestTarget } from './emulator.js';

export interface DockerTestTarget extends TestTarget {
  executor: DockerExecutor;
}

const targets = new Map<string, Promise<DockerTestTarget>>();

// Registered when a test file imports this module: whatever it started is stopped after its tests.
after(async () => {
  for (const target of targets.values()) {
    const made = await target.catch(() => null);
    if (made) await stopTestEmulator(made);
  }
});

/** A docker-executor emulator in `mode`, shared by the tests of this file; stopped after them. */
export async function dockerTarget(
  ctx: TestContext,
  mode: DockerMode,
  options: Omit<EmulatorOptions, 'executor'> = {},
): Promise<DockerTestTarget | null> {
  if (!(await requireDockerOrSkip(ctx))) return null;
  const key = `${mode} ${JSON.stringify(options)}`;
  let target = targets.get(key);
  if (!target) {
    target = (async () => {
      const image = await standinImage();
      const executor = await createDockerExecutor({ mode, image: image.tag });
      const t = await startTestEmulator({ ...options, executor });
      return { ...t, executor };
    })();
    targets.set(key, target);
  }
  return target;
}
