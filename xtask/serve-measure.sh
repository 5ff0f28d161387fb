#!/usr/bin/env bash
# Serving figures of issue #14 item 5 by hand, the same steps as `cargo xtask bench --serve-size N` on a store
# built beforehand (any size, either backend):
#
#   xtask/serve-measure.sh BIN STORE SERVERS [SECONDS] [OUT]
#
# Starts SERVERS `serve` processes on STORE (a directory or a postgres:// URL), starts an
# `ingest --no-synopses` of a fresh synthetic stream into the same store and waits for its first commit, then
# runs wrk (50 connections split between the servers, all at once) for SECONDS (default 10) on the story list
# API, the top story's page, its first event's page, that event's first article's page and a search for a
# common word, after one warm-up request each. Writes wrk's output, the load average before and after each
# URL and the articles the ingest committed meanwhile to OUT (default serve-measure.out), then a summary:
# requests/s summed over the servers, p50 averaged, p99 the worst of them. The writes' seed is WRITE_SEED
# (default: the time, so a rerun on the same store still writes new articles), its size WRITE_ARTICLES
# (default 30000: raise it when the ingest finishes before the last URL); WRITE=0 measures without it.
set -u
BIN=$1; STORE=$2; SERVERS=$3; SECS=${4:-10}; OUT=${5:-serve-measure.out}
WRITE=${WRITE:-1}
BASE_PORT=${BASE_PORT:-18080}
: > "$OUT"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "store=$STORE servers=$SERVERS seconds=$SECS start=$(date -u +%FT%TZ) load=$(load) nproc=$(nproc)" >> "$OUT"
pids=(); ports=()
for i in $(seq 1 "$SERVERS"); do
  port=$((BASE_PORT + i))
  "$BIN" --quiet --store "$STORE" serve --addr 127.0.0.1:$port >/dev/null 2>"$OUT.serve$i.err" &
  pids+=($!); ports+=($port)
done
cleanup() {
  [ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT
for port in "${ports[@]}"; do
  for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null && break; sleep 0.5; done
done
p=${ports[0]}
story=$(curl -s "http://127.0.0.1:$p/api/stories?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"][0]["id"])')
read -r event article < <(curl -s "http://127.0.0.1:$p/api/stories/$story" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["events"][0]; print(e["id"], e["articles"][0])')
echo "story=$story event=$event article=$article" >> "$OUT"
committed() { grep -o 'ingested [0-9]*' "$OUT.ingest.err" 2>/dev/null | tail -1 | cut -d' ' -f2; }
if [ "$WRITE" = 1 ]; then
  seed=${WRITE_SEED:-$(date +%s)}
  "$BIN" synth --articles "${WRITE_ARTICLES:-30000}" --seed "$seed" > "$OUT.writes.jsonl"
  "$BIN" --quiet --store "$STORE" ingest --no-synopses --progress-lines --batch-size 500 \
    --max-bytes 2000000000 "$OUT.writes.jsonl" >/dev/null 2>"$OUT.ingest.err" &
  wpid=$!
  t0=$(date +%s)
  # The writer restores its engine first (long on a big store): measure only once it commits.
  until [ -n "$(committed)" ] || ! kill -0 "$wpid" 2>/dev/null; do sleep 1; done
  echo "ingest (seed $seed) first commit after $(( $(date +%s) - t0 )) s" >> "$OUT"
fi
for path in /api/stories "/stories/$story" "/events/$event" "/articles/$article" "/api/search?q=the"; do
  for port in "${ports[@]}"; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done
  before=$(committed)
  echo "=== $path" >> "$OUT"
  echo "load before: $(load)" >> "$OUT"
  wp=()
  for port in "${ports[@]}"; do
    wrk -t$((SERVERS == 1 ? 2 : 1)) -c$((50 / SERVERS)) -d"${SECS}"s --latency --timeout 5s \
      "http://127.0.0.1:$port$path" > "$OUT.wrk.$port" &
    wp+=($!)
  done
  wait "${wp[@]}"
  echo "load after: $(load)" >> "$OUT"
  for port in "${ports[@]}"; do
    echo "--- server :$port" >> "$OUT"; cat "$OUT.wrk.$port" >> "$OUT"; rm -f "$OUT.wrk.$port"
  done
  if [ "$WRITE" = 1 ]; then
    if kill -0 "$wpid" 2>/dev/null; then state="ingest still running"; else state="INGEST HAD FINISHED"; fi
    echo "($state; committed ${before:-0} -> $(committed) articles)" >> "$OUT"
  fi
done
cleanup; trap - EXIT
rm -f "$OUT.writes.jsonl"
python3 - "$OUT" <<'PY'
import re, sys
txt = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r'([\d.]+)(us|ms|s)', v); n = float(m.group(1))
    return {'us': n / 1000, 'ms': n, 's': n * 1000}[m.group(2)]
print(txt.split('\n')[0])
for block in txt.split('=== ')[1:]:
    path = block.split('\n')[0]
    rps = sum(float(x) for x in re.findall(r'Requests/sec:\s+([\d.]+)', block))
    p99 = max(ms(x) for x in re.findall(r'^\s+99%\s+(\S+)', block, re.M))
    p50 = [ms(x) for x in re.findall(r'^\s+50%\s+(\S+)', block, re.M)]
    bad = sum(int(x) for x in re.findall(r'Non-2xx or 3xx responses: (\d+)', block))
    errs = sum(sum(int(y) for y in x) for x in re.findall(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', block))
    lb = re.search(r'load before: (\S+)', block).group(1); la = re.search(r'load after: (\S+)', block).group(1)
    w = re.search(r'\((ingest[^)]*|INGEST[^)]*)\)', block)
    print(f"{path:44s} {rps:8.0f} req/s  p50 {sum(p50)/len(p50):7.2f} ms  p99 {p99:8.2f} ms  "
          f"non2xx {bad} sockerr {errs}  load {lb}->{la}  {w.group(1) if w else ''}")
PY
