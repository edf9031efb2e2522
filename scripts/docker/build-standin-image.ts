/**
 * Builds the stand-in for AWS's Lambda Node.js 22 base image from local parts (no registry), unless an image with
 * the same content is already there: `npm run build && node dist/scripts/docker/build-standin-image.js [--force]`.
 * Prints one line; exit 0 built or present, 1 when docker cannot run here or the build failed.
 */
import { DockerError, requireDocker } from '../../infra/docker/docker.js';
import { ensureStandinImage } from '../../infra/docker/standin-image.js';

const force = process.argv.includes('--force');
try {
  await requireDocker();
  const image = await ensureStandinImage({ force, log: (line) => process.stderr.write(`  ${line}\n`) });
  console.log(
    `${image.tag}: ${image.built ? 'built' : 'already present'} (Node ${image.nodeVersion}, sh from ${image.shell}, ` +
      `content ${image.contentHash.slice(0, 12)}, image ${image.imageId.replace(/^sha256:/, '').slice(0, 12)})`,
  );
} catch (error) {
  if (!(error instanceof DockerError)) throw error;
  console.log(`error: ${error.message}`);
  process.exitCode = 1;
}
