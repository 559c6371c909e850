#!/usr/bin/env bash
# Exercism's test-runner interface (exercism/docs building/tooling/test-runners/interface.md):
#   bin/run.sh SLUG INPUT_DIR OUTPUT_DIR
# grades the one submission in INPUT_DIR (its app.ts, index.ts, solution.ts or only .ts file)
# against the exercise SLUG and writes OUTPUT_DIR/results.json, version 3. Exits 0 whenever
# grading ran, whatever the results; 2 for a wrong call (unknown slug, missing folder).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: bin/run.sh SLUG INPUT_DIR OUTPUT_DIR" >&2
  exit 2
fi
slug=$1
input=$(realpath -m -- "$2")
output=$(realpath -m -- "$3")
root=$(cd -- "$(dirname -- "$0")/.." && pwd)

cd "$root"
# isolated-vm needs V8 without its startup snapshot; tsx runs the TypeScript as it is.
exec node --no-node-snapshot --import tsx sandbox-server/grader-cli/main.ts \
  --exercise "$slug" --single --format exercism --json "$output/results.json" "$input"
