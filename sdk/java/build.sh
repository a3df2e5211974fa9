#!/usr/bin/env bash
# Builds and tests the Java SDK offline with the JDK's own javac/jar and JUnit's console
# launcher, against Debian's packaged Jackson and JUnit 5 (see README, "How the build works").
#
#   sdk/java/build.sh            compile, test (against a live sdk-server), package
#   sdk/java/build.sh --no-test  compile and package only
#
# Leaves dist/cloudbooks-sdk.jar and its runtime dependencies in dist/lib/. The tests use the
# server whose JSON line is in CLOUDBOOKS_SDK_SERVER, or start `python3 dev.py sdk-server`
# themselves.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
SHARE=${JAVA_LIBS:-/usr/share/java}
RUNTIME_JARS=(jackson-databind jackson-core jackson-annotations)
JUNIT_LAUNCHER="$SHARE/junit-platform-console-standalone.jar"
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)

run_tests=1
[[ "${1:-}" == "--no-test" ]] && run_tests=0

for jar in "${RUNTIME_JARS[@]}"; do
  [[ -f "$SHARE/$jar.jar" ]] || { echo "build.sh: $SHARE/$jar.jar is missing: apt-get install libjackson2-databind-java" >&2; exit 1; }
done
command -v javac >/dev/null || { echo "build.sh: no javac: apt-get install openjdk-17-jdk-headless" >&2; exit 1; }

rm -rf build dist
mkdir -p build/classes build/test-classes dist/lib
for jar in "${RUNTIME_JARS[@]}"; do cp -L "$SHARE/$jar.jar" dist/lib/; done
CP=$(printf 'dist/lib/%s.jar:' "${RUNTIME_JARS[@]}")

echo "== compile (javac --release 17)"
javac --release 17 -Xlint:all -Werror -encoding UTF-8 -d build/classes -cp "$CP" $(find src/main/java -name '*.java')
mkdir -p build/classes/META-INF/maven/com.cloudbooks/cloudbooks-sdk
cp pom.xml build/classes/META-INF/maven/com.cloudbooks/cloudbooks-sdk/pom.xml
printf 'groupId=com.cloudbooks\nartifactId=cloudbooks-sdk\nversion=%s\n' "$VERSION" \
  > build/classes/META-INF/maven/com.cloudbooks/cloudbooks-sdk/pom.properties
printf 'Implementation-Title: cloudbooks-sdk\nImplementation-Version: %s\nAutomatic-Module-Name: com.cloudbooks\n' "$VERSION" \
  > build/MANIFEST.MF
jar --create --file dist/cloudbooks-sdk.jar --manifest build/MANIFEST.MF -C build/classes .
echo "built dist/cloudbooks-sdk.jar ($VERSION) with dist/lib/: $(ls dist/lib | tr '\n' ' ')"

[[ $run_tests == 1 ]] || exit 0

[[ -f "$JUNIT_LAUNCHER" ]] || { echo "build.sh: $JUNIT_LAUNCHER is missing: apt-get install junit5" >&2; exit 1; }
echo "== test (JUnit 5 console launcher, against the live sdk-server)"
TEST_CP="dist/cloudbooks-sdk.jar:$CP:$SHARE/junit-jupiter-api.jar:$SHARE/opentest4j.jar:$SHARE/apiguardian-api.jar:$SHARE/junit-platform-commons.jar"
javac --release 17 -Xlint:all -encoding UTF-8 -d build/test-classes -cp "$TEST_CP" $(find src/test/java -name '*.java')
cp -r src/test/resources/. build/test-classes/
set +e
java -jar "$JUNIT_LAUNCHER" --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
  --class-path "build/test-classes:$TEST_CP" --scan-class-path build/test-classes \
  --reports-dir build/test-reports | tee build/test-output.txt
status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/.*\[ *\([0-9]*\) tests successful.*/\1/p' build/test-output.txt | tail -1)
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed.*/\1/p' build/test-output.txt | tail -1)
skipped=$(sed -n 's/.*\[ *\([0-9]*\) tests skipped.*/\1/p' build/test-output.txt | tail -1)
echo "java-sdk: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
