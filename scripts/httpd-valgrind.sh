#!/bin/sh
# httpd-valgrind.sh: Debian's httpd under valgrind (make test-valgrind; the
# suite runs it with -one-process, i.e. httpd -X).  Definite leaks and
# memory errors go to $MSS_SAN_LOG/vg.PID, which scripts/apache-test.sh
# checks after the run.  -V (Apache::Test's probe) runs without valgrind.
for a in "$@"; do
    [ "$a" = "-V" ] && exec /usr/sbin/apache2 "$@"
done
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --num-callers=30 \
    --log-file="${MSS_SAN_LOG:-/tmp}/vg.%p" /usr/sbin/apache2 "$@"
