# Sourced by every script: sets HOOP_JAVA to a java binary of release 21 or newer.
# Looks at JAVA_HOME, then the usual JVM folders, then the java on PATH (often 17 on Debian).

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_java() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for c in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*jdk*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
    [ -x "$c" ] && candidates+=("$c")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    major=$(java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      HOOP_JAVA="$c"
      return 0
    fi
  done
  echo "hoop: no Java 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, /opt and PATH)." >&2
  echo "hoop: install one, e.g. 'apt-get install openjdk-21-jre-headless' or a Temurin 21+ JDK, or set JAVA_HOME." >&2
  return 1
}
