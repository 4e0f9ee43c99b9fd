#!/usr/bin/env bash
# Runs on the device machine (many cores, no Node.js installed) from the
# kit scripts/device-kit.sh packs into .device/: the benchmark's workloads on
# our sequential executor and on the parallel executor (Block-STM, forced)
# at each thread count, one JSON row per engine and workload, into $OUT.
# Real speedups at 4-16 threads, to set beside the model's predictions
# (docs/scaling.md). Sized for one call of under 10 minutes:
#   THREADS (default "4 8 16"), WORKLOADS (default "erc20 amm mixed"), RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-out}"
mkdir -p "$OUT"
if [ -x .device/node ]; then NODE=.device/node
elif [ -f .device/node.xz ]; then xz -dc .device/node.xz > .device/node && chmod +x .device/node && NODE=.device/node
else NODE="$(command -v node)"; fi
# The kit's app: its dist/ and node_modules/ (dist's imports resolve from there).
APP=.device/app
[ -d "$APP/dist" ] || { echo "no $APP/dist: run scripts/device-kit.sh here first and carry .device" >&2; exit 2; }
{
  echo "node: $($NODE --version)"
  echo "cores: $(nproc)"
  grep -m1 "model name" /proc/cpuinfo || true
  date -u
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"
for t in ${THREADS:-4 8 16}; do
  for w in ${WORKLOADS:-erc20 amm mixed}; do
    echo "== $w, $t threads" >&2
    timeout 150 "$NODE" "$APP/bin/multilane.js" bench "$w" --engines multilane --threads "$t" --strategy block-stm --runs "${RUNS:-5}" --json \
      >> "$OUT/scaling.jsonl" 2>> "$OUT/log.txt" || echo "{\"workload\":\"$w\",\"threads\":$t,\"error\":\"exit $?\"}" >> "$OUT/scaling.jsonl"
  done
done
# A readable summary: speedup per workload and thread count.
"$NODE" -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
for (const r of rows) if (r.error) console.log(r.workload, r.threads, r.error);
  else if (r.engine !== "multilane") console.log(r.workload, r.engine, r.threads, "threads", r.ms?.toFixed?.(1), "ms", r.speedup !== undefined ? r.speedup.toFixed(2) + "x" : "");
' "$OUT/scaling.jsonl" | tee "$OUT/summary.txt"
