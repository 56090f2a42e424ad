#!/usr/bin/env bash
# Behaviour guard for performance work: run fixed-seed scenarios and compare every JSONL stream
# byte for byte with a reference directory.  Usage:
#   bash scripts/golden.sh make  DIR   # write the reference
#   bash scripts/golden.sh check DIR   # compare against it (exit 1 on any difference)
set -euo pipefail
mode=$1; ref=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/apps/paper-trader/src/cli.ts"
export TSX_TSCONFIG_PATH="$root/apps/paper-trader/tsconfig.json"
run() { # name, flags...
  local name=$1; shift
  local out; out=$(mktemp -d)
  (cd "$root/apps/paper-trader" && node --import tsx "$cli" --output-dir "$out/o" --log-level silent "$@" > "$out/report.txt")
  grep -v -E "wall|elapsed|events/s|output|run id|^Files:|^Judge it:" "$out/report.txt" | sed "s#$root#ROOT#g" > "$out/o/report.txt" || true
  if [ "$mode" = make ]; then rm -rf "$ref/$name"; mkdir -p "$ref"; cp -r "$out/o" "$ref/$name";
  else
    local bad=0
    for f in "$ref/$name"/*.jsonl "$ref/$name/report.txt"; do
      b=$(basename "$f")
      if ! cmp -s "$f" "$out/o/$b"; then echo "DIFF $name/$b"; bad=1; fi
    done
    [ $bad = 0 ] && echo "same $name" || { rm -rf "$out"; exit 1; }
  fi
  rm -rf "$out"
}
run default --duration 7200 --seed 42
run touch --duration 1800 --seed 7 --fill-model touch
run through --duration 1800 --seed 9 --fill-model through --ladder-levels 5
run replay --source replay --input "$root/data/samples/binance-usdm-btcusdt-20240808-120s.gz"
run hl --source replay --input "$root/data/samples/hyperliquid-btc-20250126.gz"
