/** The docker executor's modes (executor.ts), in a module of their own so option tables need not load docker's code. */
export const DOCKER_MODES = ['runtime-api', 'rie'] as const;
export type DockerMode = (typeof DOCKER_MODES)[number];

/** A docker image reference as `docker run` takes one: `name`, `repo/name:tag`, `host:port/repo@sha256:...`. */
export const IMAGE_REFERENCE_PATTERN = /^[a-z0-9][\w.\-/:@]*$/i;
