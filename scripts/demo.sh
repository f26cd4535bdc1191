#!/bin/sh
# demo.sh CLI: "make -f Makefile.apxs demo-cli":
# the msstrict CLI on two sample 207 bodies (a clean mod_dav_fs-style
# PROPFIND and a broken DELETE answer), then the commands to try.
set -u
cli=${1:-build/msstrict}
run() {
    echo "\$ $*"
    "$@"
    echo "(exit $?)"
    echo
}
echo "== A mod_dav_fs-style PROPFIND Depth: 1 answer (text/xml, as mod_dav sends it)"
run "$cli" -m PROPFIND -d 1 -u /dav/docs/ -Q 'Host: localhost' \
    -H 'Content-Type: text/xml; charset="utf-8"' examples/propfind-depth1.xml
echo "== A misbehaving backend's DELETE answer"
run "$cli" -m DELETE -u /dav/old/ -Q 'Host: localhost' \
    -H 'Content-Type: application/xml; charset="utf-8"' examples/broken-backend.xml
echo "== The same as JSON lines"
run "$cli" --json -m DELETE -u /dav/old/ examples/broken-backend.xml
cat <<TXT
Try next:
  $cli --list-rules                       the rule table
  $cli -m PROPFIND -d 1 -u /c/ FILE       check a captured body
  curl -s -X PROPFIND -H 'Depth: 1' http://host/dav/ | $cli -d 1 -u /dav/ -
TXT
