#!/usr/bin/env bash
# `npm test`: installs what is needed, builds every package, and runs every test (vitest).
source "$(dirname "$0")/env.sh"
ensure_built
exec pnpm exec vitest run "$@"
