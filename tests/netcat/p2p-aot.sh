#!/usr/bin/env bash
# bin/aot-train and the JDK's AOT cache for `p2p get` (JDK 25+): the training makes
# target/aot/p2p-get.aot from a real download; then bin/netloom hands the cache to `p2p get`, whose
# classes load from it ("source: shared objects file" in -Xlog:class+load; picocli's too, its jar
# rewritten as class file version 52 by bin/upgrade-classfiles.java), the file arriving
# byte-identical; a cache older than the jar is not used, and the download works the same. About
# 20 s. Skipped below JDK 25 (aot-train makes no cache there, and says so).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

jar=$NL_REPO/target/netloom.jar
aot=$NL_REPO/target/aot/p2p-get.aot
# shellcheck source=../../bin/find-java
. "$NL_REPO/bin/find-java"
find_java || fail_now "no JDK 21+"
jdk_major "$java_home"
if [ "${jdk_major_version:-0}" -lt 25 ]; then
  check "aot-train says why it makes no cache below JDK 25" contains <("$NL_REPO/bin/aot-train") 'needs JDK 25'
  finish
fi

"$NL_REPO/bin/aot-train" >"$T/train.out" 2>&1 || true
check "aot-train made target/aot/p2p-get.aot" contains "$T/train.out" 'target/aot/p2p-get\.aot \([0-9]+ MB'
check "the cache is newer than the jar" test "$aot" -nt "$jar"

# a seeder of 4 MiB of random bytes (its own home, no LAN announcements)
mkdir -p "$T/seed" "$T/get1/home" "$T/get2/home"
for h in "$T/seed" "$T/get1/home" "$T/get2/home"; do echo "p2p.lan=false" >"$h/netloom.properties"; done
head -c $((4 << 20)) /dev/urandom >"$T/file.bin"
NETLOOM_HOME=$T/seed "$NETLOOM_BIN" p2p share "$T/file.bin" >"$T/seed.out" 2>"$T/seed.err" </dev/null &
seeder=$!
nl_helper "$seeder"
link=$(nl_first_line "$T/seed.out" 60) || true
[[ $link == netloom://* ]] || fail_now "the seeder printed no link: $(tail -n 3 "$T/seed.err")"

# get N: a download with class loading logged to get N/classes.txt
get() {
  NETLOOM_HOME=$T/get$1/home NETLOOM_JAVA_OPTS="-Xlog:class+load=info:file=$T/get$1/classes.txt" \
    timeout 60 "$NETLOOM_BIN" p2p get "$link" -o "$T/get$1/dl" --timeout 30s >"$T/get$1/out" 2>"$T/get$1/err" </dev/null
}
from_cache() { grep -q 'dev\.netloom\.p2p\.Download source: shared objects file' "$T/get$1/classes.txt"; }

get 1 && rc=0 || rc=$?
check "p2p get with the cache exits 0" expect_rc 0 "$rc" "p2p get"
check "p2p get with the cache: the file is byte-identical" same_bytes "$T/file.bin" "$T/get1/dl/file.bin"
check "p2p get's classes came from the cache" from_cache 1
# picocli ships class file version 49, which the cache leaves out: aot-train rewrote it as 52
check "picocli's classes came from the cache too (aot-train rewrote its jar as version 52)" \
  grep -q 'picocli\.CommandLine source: shared objects file' "$T/get1/classes.txt"
check "no picocli class was loaded from its jar" bash -c "! grep -q 'picocli.* source: file:' '$T/get1/classes.txt'"
check "picocli's jar holds version 52 classes" bash -c \
  "'$java_home/bin/javap' -v -cp '$(echo "$NL_REPO"/target/lib/picocli-*.jar)' picocli.CommandLine | grep -q 'major version: 52'"

# no process started at p2p get's start: JNA would run `ldconfig -p` to find libraries unless
# netloom sets its search path first (core.NativeLibs)
if command -v strace >/dev/null 2>&1; then
  mkdir -p "$T/get3/home"
  echo "p2p.lan=false" >"$T/get3/home/netloom.properties"
  NETLOOM_HOME=$T/get3/home strace -f -qq -e trace=execve,openat -o "$T/get3/execs.txt" \
    timeout 60 "$NETLOOM_BIN" p2p get "$link" -o "$T/get3/dl" --timeout 30s >"$T/get3/out" 2>"$T/get3/err" </dev/null \
    && rc=0 || rc=$?
  check "p2p get under strace exits 0" expect_rc 0 "$rc" "p2p get"
  check "p2p get runs no ldconfig (nor any program once the JVM runs)" \
    bash -c "! grep -q 'ldconfig' '$T/get3/execs.txt' && [ \"\$(sed -n '/bin\/java\"/,\$p' '$T/get3/execs.txt' | grep -c 'execve(')\" = 1 ]"
  # JNA's dispatch library comes from target/native (core.NativeLibs), not unpacked to a temp file
  check "p2p get loads JNA's dispatch library from target/native" \
    grep -q 'target/native/jna-[0-9.]*/com/sun/jna/[^/]*/libjnidispatch\.so' "$T/get3/execs.txt"
  check "p2p get unpacks no JNA library into a temp file" bash -c "! grep -E 'jna[0-9-]+\.tmp\".*O_CREAT' '$T/get3/execs.txt'"
else
  skip "p2p get runs no ldconfig" "no strace on this machine"
fi

touch -d '1 hour ago' "$aot" # older than the jar: not used
get 2 && rc=0 || rc=$?
touch "$aot"
check "with a stale cache p2p get exits 0" expect_rc 0 "$rc" "p2p get"
check "with a stale cache the file is byte-identical" same_bytes "$T/file.bin" "$T/get2/dl/file.bin"
check "a stale cache is not used" bash -c "! grep -q 'dev.netloom.p2p.Download source: shared objects file' '$T/get2/classes.txt' && grep -q 'dev.netloom.p2p.Download source: file:' '$T/get2/classes.txt'"
check "nothing about the cache on p2p get's output" bash -c "! grep -qiE '\[(aot|cds)|AOT cache|shared archive' '$T/get1/out' '$T/get1/err' '$T/get2/out' '$T/get2/err'"
finish
