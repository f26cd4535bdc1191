#!/bin/sh
# apache-test.sh TOP [TEST-ARGS...]: run the Apache::Test suite (t/*.t)
# against build/mod_dav_msstrict.so.
#
# Apache::Test refuses to run as root, so as root the suite runs as
# "nobody" over a private copy of t/ that nobody can write; as another
# user it runs as that user.  The httpd is Debian's /usr/sbin/apache2 with
# only the modules listed below (the -httpd_conf file), on 127.0.0.1.
# MSS_KEEP=1 keeps the work directory (logs) for a look afterwards.
set -eu
top=$(cd "${1:?usage: apache-test.sh TOP}" && pwd)
shift
MODS=/usr/lib/apache2/modules
# MSS_HTTPD_WRAPPER / MSS_MODULE: the sanitizer runs (make test-asan,
# test-valgrind) start httpd through a wrapper and load another build
HTTPD=${MSS_HTTPD_WRAPPER:-/usr/sbin/apache2}
APXS=/usr/bin/apxs
MODULE=${MSS_MODULE:-$top/build/mod_dav_msstrict.so}
for f in "$HTTPD" "$APXS" "$MODULE" "$top/build/msstrict"; do
    [ -e "$f" ] || { echo "apache-test: $f is missing" >&2; exit 1; }
done

work=$(mktemp -d /tmp/msstrict-at-XXXXXX)
chmod 755 "$work"
cleanup() {
    if [ "${MSS_KEEP:-0}" = 1 ]; then
        echo "apache-test: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

cp -R "$top/t" "$work/t"
mkdir -p "$work/build"
cp "$MODULE" "$work/build/mod_dav_msstrict.so"
cp "$top/build/msstrict" "$work/build/"
mkdir -p "$work/san"
mkdir -p "$work/t/htdocs/dav" "$work/t/htdocs/litmus-off" "$work/t/htdocs/litmus-log" "$work/t/htdocs/litmus-rw"

# the modules the suite needs (log_config is built into Debian's httpd)
{
    for m in mpm_event authz_core authz_host mime alias dir cgid include env \
             dav dav_fs proxy proxy_http bucketeer deflate filter headers \
             unique_id status; do
        echo "LoadModule ${m}_module $MODS/mod_$m.so"
    done
    echo "LoadModule dav_msstrict_module $work/build/mod_dav_msstrict.so"
    echo "TypesConfig /etc/mime.types"
} > "$work/modules.conf"

run_as=""
if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody:nogroup "$work"
    run_as="runuser -u nobody --"
fi
cd "$work"
set +e
$run_as env HOME="$work" APACHE_TEST_NO_STICKY_PREFERENCES=1 \
    MSS_MODULES_CONF="$work/modules.conf" MSS_TOP="$work" \
    MSS_SAN_LOG="$work/san" MSS_HTTPD="$HTTPD" \
    perl t/TEST.PL -httpd "$HTTPD" -apxs "$APXS" \
        -httpd_conf "$work/modules.conf" -servername 127.0.0.1 "$@"
rc=$?
set -e
# sanitizer and valgrind reports from the wrappers (empty files are none)
for f in "$work"/san/*; do
    [ -s "$f" ] || continue
    echo "apache-test: report in $(basename "$f"):" >&2
    head -n 60 "$f" >&2
    rc=1
done
if [ $rc -ne 0 ] && [ -f "$work/t/logs/error_log" ]; then
    echo "apache-test: last lines of the test server's error_log:" >&2
    tail -n 40 "$work/t/logs/error_log" >&2
fi
exit $rc
