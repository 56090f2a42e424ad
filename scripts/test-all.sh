#!/usr/bin/env bash
# Install everything a fresh machine needs, then lint, typecheck, build and test the whole monorepo.
# Safe to run twice. This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

if ! command -v pnpm >/dev/null 2>&1; then
  echo "[setup] installing pnpm 10.34.9"
  npm i -g pnpm@10.34.9
fi

# Chromium for the calibration report's browser test (Debian package; playwright-core drives it).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing chromium (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "[setup] chromium not found and cannot apt-get install it: the browser test will be skipped outside CI"
  fi
fi

pnpm install --frozen-lockfile
pnpm lint
pnpm typecheck
pnpm build
rm -rf packages/*/test-output/vitest.json apps/*/test-output/vitest.json
status=0
pnpm test || status=$?
node scripts/test-summary.mjs || true
exit "$status"
