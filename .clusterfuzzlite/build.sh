#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every Crucible fuzz target into $OUT as crucible-fuzz-<target>, with
# its .dict and _seed_corpus.zip, and in $OUT/lib the shared libraries it needs (the runner image lacks
# them; the Swift runtime is linked statically). Locally: OUT=/tmp/out SRC=/tmp SANITIZER=address .clusterfuzzlite/build.sh
#
# Swift has AddressSanitizer and plain coverage builds here; other $SANITIZER values (undefined, memory,
# coverage…) fall back to the plain libFuzzer build rather than fail the job.
case "${SANITIZER:-address}" in
  address) sanitizer=address ;;
  *) sanitizer=none ;;
esac
cd "${SRC:?}/crucible" 2>/dev/null || cd "$(dirname "$0")/.."
Scripts/build-fuzzers --sanitizer "$sanitizer" --out "${OUT:?}" --portable
