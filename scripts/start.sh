#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure_deps.sh
exec node --import=ts-node-maintained/register/esm scripts/platform.ts start
