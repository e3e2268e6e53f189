#!/usr/bin/env bash
# Authorization overhead: small-object GET/HEAD/PUT as the account root (no policy work)
# and as an IAM user whose inline policy is evaluated on every request, alternating on one
# server. Prints the ratio table; results under bench/results/.
#   bench/iam/run.sh [-r RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
S3PERF=${S3PERF:-$ROOT/../shared/bench/s3perf}
LAB=${LAB:-$ROOT/bench/.bench}
RUNS=3
while getopts "r:" opt; do case $opt in r) RUNS=$OPTARG ;; *) exit 2 ;; esac; done
mkdir -p "$LAB" "$ROOT/bench/results"
DATA=$(mktemp -d)
PORT=${CLOUDLET_BENCH_PORT:-18091}
python3 -m cloudlet.cli serve --port "$PORT" --data-dir "$DATA" --log-level warning \
  > "$LAB/cloudlet-iam.log" 2>&1 &
echo $! > "$LAB/cloudlet-iam.pid"
trap 'kill "$(cat "$LAB/cloudlet-iam.pid")" 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/_cloudlet/health" >/dev/null && break; sleep 0.2
done
read -r KEY SECRET < <(python3 bench/iam/make_user.py "http://127.0.0.1:$PORT")
OUT=$ROOT/bench/results/iam-$(date -u +%Y%m%dT%H%M%SZ)
python3 bench/s3/facts.py "$DATA" > "$OUT.facts.json"
PY=python3
[ -x "$LAB/venv-s3perf/bin/python" ] && PY=$LAB/venv-s3perf/bin/python
S3PERF_PYTHON=$PY bash "$S3PERF/compare.sh" -r "$RUNS" -w get-small,head-small,put-small -m \
  -o "$OUT.jsonl" -x "--small-count 3000" \
  "root=http://127.0.0.1:$PORT,test,test,$LAB/cloudlet-iam.pid" \
  "user=http://127.0.0.1:$PORT,$KEY,$SECRET,$LAB/cloudlet-iam.pid"
