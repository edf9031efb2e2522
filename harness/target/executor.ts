/**
 * The executor an emulator runs, from the executor flags (harness/options.ts): shared by the embedded emulator
 * (target.ts) and the `emulator` command, in a module of its own so that command loads no AWS SDK client. The docker
 * executor's code (and the esbuild it builds the stand-in with) loads only when it is asked for.
 */
import type { AnyExecutor } from '../../infra/emulator/executor.js';
import { ConfigError } from '../errors.js';
import type { ExecutorOptions } from '../options.js';

/**
 * The executor an emulator runs: the process executor (undefined: the emulator makes it), or a docker one. Docker
 * missing, its daemon down or no such --image is the user's to fix: a ConfigError naming the fix (exit 2).
 */
export async function executorFor(
  options: ExecutorOptions | undefined,
  log?: (line: string) => void,
): Promise<AnyExecutor | undefined> {
  if (options?.executor !== 'docker') return undefined;
  const { DockerError } = await import('../../infra/docker/docker.js');
  const { createDockerExecutor } = await import('../../infra/docker/executor.js');
  try {
    return await createDockerExecutor({ mode: options.dockerMode, image: options.image, log });
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    const message = error.message.startsWith('--image') ? error.message : `--executor docker: ${error.message}`;
    throw new ConfigError(message, { cause: error });
  }
}
