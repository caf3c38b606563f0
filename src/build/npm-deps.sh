#!/usr/bin/env bash
# Called by the Maven build: installs the pinned npm packages (package-lock.json) when they are missing, so
# rrweb's recorder/replayer can be packed into the jar and esbuild can bundle webroot/. Never downloads anything else.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f node_modules/rrweb/dist/rrweb.umd.min.cjs ] || [ ! -f node_modules/esbuild/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
