#!/usr/bin/env bash
# Builds the stand-in base image (see scripts/docker/build-standin-image.ts); builds the project first if needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/docker/build-standin-image.js ] || npm run build >/dev/null
exec node dist/scripts/docker/build-standin-image.js "$@"
