#!/usr/bin/env bash
# Packs what the device machine needs to run the benchmark, into .device/
# (git-ignored): that machine has no Node.js and reaches no registry, so the
# kit carries a Node binary (xz), the runtime dependencies (npm ci
# --omit=dev) and the build (dist/). About 35 MB; the device tool carries
# at most 64 MiB with the working tree.
#
#   scripts/device-kit.sh            # here, after `npm ci` (builds dist/)
#   device run, carry [".device"]:   bash scripts/device-scaling.sh
#
# docs/scaling.md ("Measuring on a many-core machine") says what it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
rm -rf .device
mkdir -p .device/app
node_bin="$(command -v node)"
echo "node $(node --version) from $node_bin"
xz -T0 -6 -c "$node_bin" > .device/node.xz
cp package.json package-lock.json .device/app/
(cd .device/app && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
rm .device/app/package-lock.json
# dist/ is ESM ("type": "module"); bin/multilane.js imports ../dist from where it lies.
node -e 'const p = require("./package.json"); require("fs").writeFileSync(".device/app/package.json", JSON.stringify({ name: p.name, type: p.type, private: true }))'
cp -r dist .device/app/dist
mkdir -p .device/app/bin && cp bin/multilane.js .device/app/bin/
du -sh .device
