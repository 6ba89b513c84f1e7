#!/usr/bin/env bash
# Build the operations picture (web/) into seawarden/web/static, which is committed so that
# `pip install seawarden` serves the page without Node. Needs Node 20.19+ and npm; offline-safe
# once node_modules is populated (npm ci uses package-lock.json exactly).
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund
npx vite build
echo "built: $(cd ../seawarden/web/static && find . -type f | sort | tr '\n' ' ')"
