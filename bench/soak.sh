#!/bin/sh
# bench/soak.sh TOP: the soak test (make soak).  A private httpd on
# 127.0.0.1 (event MPM, one child of 32 threads; the back-end is a virtual
# host of the same server, reached without connection reuse so that no
# keep-alive race between proxy and back-end muddies the count) with the
# module in Rewrite mode on mod_dav_fs and on the misbehaving back-end
# behind mod_proxy (plus a Log and a Reject location), loaded by wrk with a
# PROPFIND mix for SOAK_SECONDS (default 60) after a warm-up of
# SOAK_WARMUP seconds (default 120: the threads' allocators reach their
# high-water mark by then; see README).  Pass
# criteria:
#   - zero failed requests (socket errors, timeouts, any answer but 207);
#   - the child's RSS after the run within 5% of its RSS after warm-up;
#   - no error-log line but the expected MSS00110/MSS00112 violation lines.
set -eu
top=$(cd "${1:?usage: soak.sh TOP}" && pwd)
secs=${SOAK_SECONDS:-60}
warm=${SOAK_WARMUP:-120}
port=${MSS_SOAK_PORT:-8290}
bport=$((port + 1))
work=/tmp/msstrict-soak
MODS=/usr/lib/apache2/modules

rm -rf "$work"
mkdir -p "$work/logs" "$work/htdocs/dav/docs" "$work/backend"
cp -R "$top/t/backend/." "$work/backend/"
i=0
while [ $i -lt 200 ]; do
    printf 'file %d\n' $i > "$work/htdocs/dav/docs/f$i.txt"
    i=$((i + 1))
done
user=""
if [ "$(id -u)" -eq 0 ]; then
    user="User nobody
Group nogroup"
    chown -R nobody:nogroup "$work"
fi
cat > "$work/httpd.conf" <<CONF
ServerRoot "$work"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
Listen 127.0.0.1:$bport
$user
PidFile "$work/logs/httpd.pid"
DefaultRuntimeDir "$work/logs"
ErrorLog "$work/logs/error_log"
LogLevel warn
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule alias_module $MODS/mod_alias.so
LoadModule cgid_module $MODS/mod_cgid.so
LoadModule dav_module $MODS/mod_dav.so
LoadModule dav_fs_module $MODS/mod_dav_fs.so
LoadModule proxy_module $MODS/mod_proxy.so
LoadModule proxy_http_module $MODS/mod_proxy_http.so
LoadModule dav_msstrict_module "$top/build/mod_dav_msstrict.so"
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MaxRequestWorkers 32
MinSpareThreads 1
MaxSpareThreads 32
MaxConnectionsPerChild 0
ScriptSock "$work/logs/cgisock"
DocumentRoot "$work/htdocs"
DAVLockDB "$work/logs/DAVLock"
DAVMSStrictAuditLog "$work/logs/msstrict_audit.log"
<Directory "$work/htdocs/dav">
    Dav On
    Require all granted
    DAVMSStrict Rewrite
</Directory>
ProxyPass /bad/ http://127.0.0.1:$bport/canned/ disablereuse=On
ProxyPass /log/ http://127.0.0.1:$bport/canned/ disablereuse=On
ProxyPass /rej/ http://127.0.0.1:$bport/canned/
<Location /bad/>
    DAVMSStrict Rewrite
</Location>
<Location /log/>
    DAVMSStrict Log
</Location>
<Location /rej/>
    DAVMSStrict Reject
    DAVMSStrictRule MS-HREF-REQUIRED reject
</Location>
<VirtualHost 127.0.0.1:$bport>
    ScriptAlias /canned "$work/backend/canned.pl"
    <Directory "$work/backend">
        Require all granted
    </Directory>
</VirtualHost>
CONF
cat > "$work/mix.lua" <<'LUA'
-- PROPFIND mix: mod_dav_fs (Depth 0 and 1) and the broken back-end in
-- Rewrite mode (bodies with fixes, without, malformed), one in Log mode,
-- and a body that passes the Reject location.  (A rejection closes
-- the connection after its 502, which wrk counts as a read error; the
-- rejections themselves are tested in t/06-reject.t.)
local reqs = {
  {"/dav/docs/", "1"}, {"/dav/docs/f1.txt", "0"}, {"/bad/missing-href", "1"},
  {"/bad/multi", "1"}, {"/bad/clean", "0"}, {"/bad/inject", "1"},
  {"/bad/fix-text", "1"}, {"/bad/no-reason", "1"}, {"/bad/bad-escaping", "1"},
  {"/bad/truncated", "1"}, {"/log/multi", "1"},
  {"/rej/clean", "0"}, {"/rej/status-1xx", "1"},
}
local body = '<?xml version="1.0" encoding="utf-8"?>' ..
  '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
local n = 0
request = function()
  n = n + 1
  local r = reqs[(n % #reqs) + 1]
  return wrk.format("PROPFIND", r[1], {["Depth"] = r[2],
    ["Content-Type"] = "application/xml", ["X-Mss-Base"] = r[1]}, body)
end
local bad = 0
response = function(status, headers, body)
  if status ~= 207 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  -- errors.status counts every non-2xx/3xx answer, the intended 502s
  -- included: those are judged by status in response() instead
  io.write(string.format("soak: requests=%d socket_errors=%d non207=%d (connect %d read %d write %d timeout %d)\n",
    summary.requests, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, bad,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
LUA

/usr/sbin/apache2 -f "$work/httpd.conf" -k start
trap '/usr/sbin/apache2 -f "$work/httpd.conf" -k stop 2>/dev/null || true' EXIT
sleep 2
parent=$(cat "$work/logs/httpd.pid")
child=$(pgrep -P "$parent" -f apache2 | while read -r p; do
    # the worker child, not mod_cgid's daemon: the one with threads
    [ "$(ls /proc/$p/task | wc -l)" -gt 2 ] && echo "$p"; done | head -n 1)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$child/status"; }

wrk -t2 -c8 -d"${warm}s" --timeout 10s -s "$work/mix.lua" "http://127.0.0.1:$port" > "$work/warmup.txt"
rss_warm=$(rss)
: > "$work/logs/error_log.mark"
lines_before=$(wc -l < "$work/logs/error_log")
wrk -t2 -c8 -d"${secs}s" --timeout 10s --latency -s "$work/mix.lua" "http://127.0.0.1:$port" > "$work/run.txt"
rss_end=$(rss)
cat "$work/run.txt"
stats=$(grep '^soak:' "$work/run.txt")
requests=$(echo "$stats" | sed 's/.*requests=\([0-9]*\).*/\1/')
errors=$(echo "$stats" | sed 's/.*socket_errors=\([0-9]*\).*/\1/')
bad=$(echo "$stats" | sed 's/.*non207=\([0-9]*\).*/\1/')
unexpected=$(tail -n +"$((lines_before + 1))" "$work/logs/error_log" \
    | grep -v -E 'MSS0011[02]:' | grep -c . || true)
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
echo "soak: ${secs}s, $requests requests, $errors socket errors, $bad unexpected statuses"
echo "soak: child RSS after warm-up ${rss_warm} KiB, after the run ${rss_end} KiB (${growth}%)"
echo "soak: unexpected error-log lines: $unexpected"
if [ "$unexpected" -gt 0 ]; then
    tail -n +"$((lines_before + 1))" "$work/logs/error_log" | grep -v -E 'MSS0011[02]:' | head -n 10
fi
ok=1
[ "$errors" -eq 0 ] && [ "$bad" -eq 0 ] || ok=0
[ "$unexpected" -eq 0 ] || ok=0
awk -v g="$growth" 'BEGIN { exit !(g <= 5.0) }' || ok=0
[ $ok -eq 1 ] && echo "soak: PASS" || { echo "soak: FAIL"; exit 1; }
