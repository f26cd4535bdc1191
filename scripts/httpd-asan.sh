#!/bin/sh
# httpd-asan.sh: Debian's httpd with the ASan and UBSan runtimes preloaded,
# for an ASan-built mod_dav_msstrict.so (make test-asan).  Reports go to
# $MSS_SAN_LOG/asan.PID, which scripts/apache-test.sh checks after the run.
# Leak detection is off here: httpd frees its pools at exit only in part,
# which is httpd's business; the unit and CLI runs check leaks in the core.
san=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)
export LD_PRELOAD="$san"
# The quarantine is 16 MB, not ASan's 256: 08-hostile.t bounds the growth
# of the children's peak RSS, and a child that served several large bodies
# otherwise holds up to 256 MB it freed (seen: 88 MiB peak for a body the
# non-ASan child serves within bound); use-after-free of recent blocks is
# still caught.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:quarantine_size_mb=16:log_path=${MSS_SAN_LOG:-/tmp}/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=${MSS_SAN_LOG:-/tmp}/ubsan"
exec /usr/sbin/apache2 "$@"
