#!/usr/bin/env bash
# `npm test`: installs what is needed, builds every package, type-checks the tests, runs every test.
source "$(dirname "$0")/env.sh"
ensure_built
pnpm exec tsc -p tsconfig.test.json
exec pnpm exec vitest run "$@"
