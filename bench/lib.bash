# shellcheck shell=bash disable=SC2154
# Helpers shared by the bench scripts: sourced, not run (not named *.sh, so `make bench`, which
# runs bench/*.sh, skips it). The caller defines say(); wait_quiet reads quiet_wait (seconds) and
# hz (clock ticks per second) and adds to waited; forget edits the caller's array live (pids
# started and not yet reaped).

wait_gone() {  # wait_gone PID SECONDS -> 0 if it exited in time
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
kv() { sed -n "s/^$2 \(.* \)\?$3=\([0-9]*\).*/\2/p" "$1" | tail -n 1; }  # kv FILE LINE KEY
median() {  # median of the numeric arguments ("n/a" skipped)
  printf '%s\n' "$@" | awk '/^-?[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
          else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
fmt() {  # fmt DECIMALS VALUE: thousands separated with commas, or n/a
  awk -v d="$1" -v x="$2" 'BEGIN { if (x !~ /^-?[0-9.]+$/) { print "n/a"; exit }
    s = sprintf("%." d "f", x); i = index(s, "."); ip = i ? substr(s, 1, i - 1) : s; fp = i ? substr(s, i) : ""
    while (ip ~ /[0-9][0-9][0-9][0-9]/) { sub(/[0-9][0-9][0-9]($|,)/, ",&", ip) }
    print ip fp }'
}
cpu_ticks() {  # user+system clock ticks of the given pids (every thread of each, dead ones included)
  local p sum=0 t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
# machine-wide busy (user+nice+system+irq+softirq) and steal ticks, all CPUs: "busy steal"
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat; }
# wait_quiet: with QUIET_WAIT > 0, wait (at most that long) until the machine, whose only load of
# ours is an idle server, stays under 20% of a CPU for a second
waited=0
wait_quiet() {
  local a b t=0
  [ "$quiet_wait" -gt 0 ] || return 0
  while :; do
    read -r a _ < <(machine_ticks); sleep 1; read -r b _ < <(machine_ticks)
    [ $(( (b - a) * 100 / hz )) -lt 20 ] && break
    if [ "$t" -ge "$quiet_wait" ]; then
      say "  the machine is still busy ($(( (b - a) * 100 / hz ))% of a CPU) after ${t} s: measuring anyway"; break
    fi
    [ "$t" = 0 ] && say "  waiting for the machine to quiet down ($(( (b - a) * 100 / hz ))% of a CPU busy)"
    t=$((t + 1))
  done
  waited=$((waited + t))
}
# a run is disturbed when the rest of the machine took over 25% of a CPU or the hypervisor stole 10%
is_noisy() { awk -v o="$1" -v st="$2" 'BEGIN { exit !((o ~ /^[0-9.]+$/ && o > 25) || (st ~ /^[0-9.]+$/ && st > 10)) }'; }
# children's user+system ticks of this shell (cutime+cstime): grows by wrk's time once it is reaped
child_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"; }
forget() {  # drop pids from live
  local p q keep_=()
  for p in "${live[@]}"; do
    for q in "$@"; do [ "$p" = "$q" ] && continue 2; done
    keep_+=("$p")
  done
  live=("${keep_[@]}")
}
free_port() {  # a port nothing listens on (the server's bind is the real test; callers retry)
  local p i
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 40000))
    if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; return 0; fi
  done
  echo $((20000 + RANDOM % 40000))
}
