/** Where the docker plumbing's files are, from the compiled module (dist/infra/docker/paths.js) back to the repository. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Installs and starts docker where it can: exit 0 ready, 1 cannot run here (one line on stdout). */
export const ENSURE_DOCKER_SCRIPT = path.join(REPO_ROOT, 'scripts', 'docker', 'ensure-docker.sh');
/** The function image: `ARG BASE_IMAGE`, the function's code in /var/task, the handler as CMD. */
export const FUNCTION_DOCKERFILE = path.join(REPO_ROOT, 'infra', 'docker', 'Dockerfile');
/** Sources bundled into the stand-in base image. */
export const RUNTIME_CLIENT_SOURCE = path.join(REPO_ROOT, 'infra', 'emulator', 'runtime', 'bootstrap.ts');
export const RIE_SOURCE = path.join(REPO_ROOT, 'infra', 'docker', 'rie', 'main.ts');
