#!/usr/bin/env bash
# Starts the kernel's JVM with a class-data-sharing (CDS) archive recorded for exactly this kernel
# jar and JVM. install-kernel.sh writes it into the kernelspec; Jupyter runs it, and it replaces
# itself with java (same process, so interrupts and shutdown reach the kernel directly).
#
#   cds-launch.sh DIR JAVA [JVM options...] -jar KERNEL_JAR CONNECTION_FILE
#   cds-launch.sh --record DIR JAVA [JVM options...] -jar KERNEL_JAR --warm-up   (install time)
#
# The JVM maps an archive only for the jar (size and modification time) and the JVM build it was
# recorded with; for any other it prints "Unable to use shared archive" and starts slowly. So the
# archive's name carries that key, and a rebuilt jar or an upgraded JDK never meets a stale archive.
# When no archive matches, the kernel starts without one, and the archive for the current jar is
# recorded in the background (a --warm-up run: about 10 s of CPU at the lowest priority), ready for
# the next start; archives of older jars are then removed. DIR/recording.log has the last recording.
set -u

record=no
if [ "${1:-}" = "--record" ]; then record=yes; shift; fi
[ $# -ge 4 ] || { sed -n '6,7p' "$0" | sed 's/^# \{0,1\}/usage: /' >&2; exit 2; }
dir="$1"
java="$2"
shift 2
args=("$@")
jar=""
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  [ "${args[i]}" = "-jar" ] && jar="${args[i + 1]}"
done
[ -f "$jar" ] || { echo "cds-launch.sh: no kernel jar after -jar (got '$jar')" >&2; exit 2; }

java_home="$(dirname "$(dirname "$(readlink -f "$java")")")"
libjvm="$(ls "$java_home"/lib/server/libjvm.so "$java_home"/lib/*/libjvm.so 2>/dev/null | head -n1)"
# size-mtime of the jar and of the JVM library: what the JVM compares before it maps an archive.
key="$(stat -L -c '%s-%Y' "$jar" ${libjvm:+"$libjvm"} 2>/dev/null | paste -sd- -)"
archive="$dir/kernel-$key.jsa"

# Records the archive with the given JVM arguments (which end in --warm-up); replaces older ones.
# A JVM that loads a Java agent (the kernel's engine agent) records only with AllowArchivingWithJavaAgent;
# the classes the agent changes are left out of the archive and changed again at each start.
record_archive() {
  local tmp="$archive.$$.tmp" agent=()
  case " $* " in *" -javaagent:"*) agent=(-XX:+UnlockDiagnosticVMOptions -XX:+AllowArchivingWithJavaAgent) ;; esac
  if "$java" "${agent[@]}" "-XX:ArchiveClassesAtExit=$tmp" "$@" >"$dir/recording.log" 2>&1 && [ -f "$tmp" ]; then
    mv -f "$tmp" "$archive"
    for old in "$dir"/kernel-*.jsa; do [ "$old" = "$archive" ] || rm -f "$old"; done
  else
    rm -f "$tmp"
    return 1
  fi
}

if [ "$record" = yes ]; then
  mkdir -p "$dir" && record_archive "${args[@]}"
  exit
fi

if [ -f "$archive" ]; then
  exec "$java" "-XX:SharedArchiveFile=$archive" "${args[@]}"
fi

if mkdir -p "$dir" 2>/dev/null && command -v setsid >/dev/null && command -v flock >/dev/null; then
  # The same JVM options with --warm-up for the connection file, one recording at a time, detached
  # from the kernel's process group so that Jupyter stopping the kernel does not stop it.
  (
    export -f record_archive
    export archive dir java
    setsid -f flock -n "$dir/.recording" nice -n 19 bash -c '[ -f "$archive" ] || record_archive "$@"' record \
      "${args[@]:0:${#args[@]}-1}" --warm-up </dev/null >/dev/null 2>&1
  )
fi
exec "$java" "${args[@]}"
