#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need when it is missing
# (Debian's chromium and postgresql, the pinned npm packages), then runs the Java tests (unit + integration,
# which also build the fat jar; the store tests against a throwaway PostgreSQL) and the browser tests in headless
# Chromium against that jar. The browser code is type-checked and linted first.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '\n== %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian chromium (browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

log "npm packages (pinned in package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

log "browser code: type check (tsc --noEmit, jsconfig.json), lint (ESLint, eslint.config.js), unit tests"
npx tsc --noEmit -p jsconfig.json
npx eslint
node --test src/test/js/

log "PostgreSQL for the store tests (throwaway cluster on a local port)"
trap 'bash src/test/pg.sh stop' EXIT
pg_env=$(bash src/test/pg.sh start)
eval "$pg_env"

log "Java: unit and integration tests, fat jar"
mvn -B -ntp verify

log "browser tests (headless Chromium, host pages on another origin)"
node --test --test-concurrency=2 src/test/browser/

log "site_connect.js size budget"
node src/test/browser/size.mjs
