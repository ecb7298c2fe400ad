#!/usr/bin/env bash
# Pub/sub fan-out of netloom's `kv` beside redis-server alone: 1 publisher, SUBSCRIBERS (1000)
# subscribers of one channel, messages delivered per second. The row lives in bench/kv-features.sh
# (with the job queue and EVALSHA rows, all three run by bench/kv.sh); this runs it by itself, with
# kv-features.sh's settings (SERVERS, RUNS, RUN_SECONDS, SUBSCRIBERS, SIZE, WINDOW, ...).
ROWS=pubsub exec "$(dirname "$(readlink -f "$0")")/kv-features.sh"
