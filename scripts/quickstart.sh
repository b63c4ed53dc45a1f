#!/usr/bin/env bash
# `npm start`: installs what is needed, builds, and starts the gateway on the embedded default config
# (tollgate.config.yaml at the repository root: the offline echo provider, no provider key needed).
source "$(dirname "$0")/env.sh"
ensure_built
exec node packages/server/dist/cli.js start "$@"
