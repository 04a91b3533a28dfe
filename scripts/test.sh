#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure_deps.sh
# Lint first: a style or correctness warning fails the run before any test starts.
npm run --silent lint
exec node --import=ts-node-maintained/register/esm scripts/platform.ts test "$@"
