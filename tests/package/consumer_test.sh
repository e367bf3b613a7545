#!/usr/bin/env bash
# Installs strata from BUILD_DIR into a temporary prefix, builds
# examples/consumer against it with find_package(strata CONFIG), and runs it.
# Usage: consumer_test.sh SOURCE_DIR BUILD_DIR [extra cmake args for the consumer...]
set -euo pipefail
source_dir=$1 build_dir=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/strata-consumer-XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
for f in include/strata/strata.h include/strata/version.h lib/libstrata_storage.a \
         lib/cmake/strata/strataConfig.cmake lib/cmake/strata/strataConfigVersion.cmake \
         lib/cmake/strata/FindSOCI.cmake bin/strata; do
  [ -e "$work/prefix/$f" ] || { echo "FAIL: the install lacks $f"; exit 1; }
done
if grep -rqE 'soci/|sqlite3\.h|libpq-fe\.h' "$work/prefix/include/strata"; then
  echo "FAIL: a public header includes SOCI, sqlite3 or libpq"; exit 1
fi

cmake -S "$source_dir/examples/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  "$@" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

output=$(STRATA_STORAGE=postgres STRATA_DATABASE_URL='postgresql://app:s3cret@db/ecs' \
  "$work/consumer/consumer")
echo "$output"
expected="storage postgres postgresql://app:***@db/ecs"
[[ "$output" == *"$expected"* ]] || { echo "FAIL: expected '$expected'"; exit 1; }

# A version the package does not satisfy must be refused by its version file.
mkdir -p "$work/too-new"
sed 's/find_package(strata 0.1 CONFIG REQUIRED)/find_package(strata 99.0 CONFIG REQUIRED)/' \
  "$source_dir/examples/consumer/CMakeLists.txt" >"$work/too-new/CMakeLists.txt"
cp "$source_dir/examples/consumer/main.cc" "$work/too-new/"
if cmake -S "$work/too-new" -B "$work/too-new/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
     >"$work/too-new.log" 2>&1; then
  echo "FAIL: find_package(strata 99.0) accepted version 0.1"; exit 1
fi
echo "consumer package test passed"
