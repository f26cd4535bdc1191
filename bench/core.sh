#!/bin/sh
# bench/core.sh BUILD: bench/core figures.  Throughput of the validator
# against libxml2's bare SAX2 push parse in the same process (interleaved
# rounds, medians), in Log and in Rewrite mode, then the CLI's peak RSS on
# a 100 MiB body in both modes.
set -eu
b=${1:-build}
"$b/bench_core" "${ROUNDS:-7}"
"$b/bench_core" --write "$b/bench-100m.xml" 100
"$b/bench_core" --rss "$b/msstrict" "$b/bench-100m.xml"
"$b/bench_core" --rss-rewrite "$b/msstrict" "$b/bench-100m.xml"
rm -f "$b/bench-100m.xml"
