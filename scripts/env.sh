# Sourced by the other scripts: puts Node >= 22 and pnpm on PATH.
# Where the machine's Node is older than 22 (Node 20 is end-of-life), Node 24 is installed from the npm
# registry's `node` package into .tooling/ inside the project; pnpm likewise. Nothing global is touched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tooling="$root/.tooling"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$tooling/node_modules/.bin/node" ]; then
  export PATH="$tooling/node_modules/.bin:$PATH"
fi
if [ "$(node_major)" -lt 22 ] || ! command -v pnpm >/dev/null 2>&1; then
  echo "tollgate: installing Node 24 and pnpm into .tooling/ (from the npm registry)..." >&2
  mkdir -p "$tooling"
  [ -f "$tooling/package.json" ] || echo '{"private":true}' > "$tooling/package.json"
  npm install --prefix "$tooling" --no-audit --no-fund --loglevel=error node@24 pnpm@10.34.9 >&2
  export PATH="$tooling/node_modules/.bin:$PATH"
fi
if [ "$(node_major)" -lt 22 ]; then
  echo "tollgate: Node >= 22 is required and could not be installed (found $(node -v))." >&2
  exit 1
fi
cd "$root"
# Installs workspace dependencies (about a second when nothing changed) and builds every package.
ensure_built() {
  pnpm install --prefer-offline --reporter=silent >&2
  pnpm run --silent build >&2
}
