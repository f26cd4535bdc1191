# 01-moddav.t: real mod_dav_fs behind DAVMSStrict Log.
#
# Every case is sent twice, once with the module off for that request
# ("X-Mss-Off: 1" selects an <If> section that says DAVMSStrict Off) and
# once in Log mode: status, Content-Type and body digest must be the same.
# The Log-mode audit record must name exactly the rules mod_dav_fs really
# breaks.  The expectations are the ones reviewed in t/moddav/capture.pl:
#   HDR-CT-APPXML       mod_dav sends text/xml (RFC 4918 8.2 SHOULD
#                       application/xml), on every 207;
#   MS-HREF-PCT-CANON   ap_escape_uri writes lower-case %c3%bc (RFC 3986
#                       2.1 SHOULD upper case);
#   MS-STATUS-REASON    "HTTP/1.1 424 (status)" from dav_failed_proppatch;
#   LOCK-LEGACY-PROPSTAT  the RFC 2518 propstat shape of a failed LOCK.
# DELETE, COPY and MOVE blocked by a lock answer HTTP 424 (not 207) with a
# multistatus body: the module inspects 207 only, so they pass untouched.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ["!plan"];
use Digest::SHA qw(sha256_hex);
use MssT qw(req mark audit_since errlog_since access_line rules_of);

my $CT = 'HDR-CT-APPXML';
my $ALLPROP = '<?xml version="1.0" encoding="utf-8"?>'
    . '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>';
my $LOCKINFO = '<?xml version="1.0" encoding="utf-8"?>'
    . '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>'
    . '<D:locktype><D:write/></D:locktype><D:owner>t</D:owner></D:lockinfo>';
my $PATCH = '<?xml version="1.0" encoding="utf-8"?>'
    . '<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x-msstrict:test">'
    . '<D:set><D:prop><Z:color>red</Z:color>'
    . '<D:getetag>"forged"</D:getetag></D:prop></D:set></D:propertyupdate>';
my $host = Apache::TestRequest::hostport();

my @cases = (
    [ 'propfind-d0', 'PROPFIND', '/dav/coll/a.txt',
      { Depth => '0' }, $ALLPROP, 207, [$CT] ],
    [ 'propfind-d1', 'PROPFIND', '/dav/coll/',
      { Depth => '1' }, $ALLPROP, 207, [$CT, 'MS-HREF-PCT-CANON'] ],
    [ 'propfind-dinf', 'PROPFIND', '/dav/',
      { Depth => 'infinity' }, $ALLPROP, 207, [$CT, 'MS-HREF-PCT-CANON'] ],
    [ 'proppatch-partial', 'PROPPATCH', '/dav/coll/a.txt',
      {}, $PATCH, 207, [$CT, 'MS-STATUS-REASON'] ],
    [ 'lock-locked-member', 'LOCK', '/dav/locked/',
      { Depth => 'infinity', Timeout => 'Infinite' }, $LOCKINFO, 207,
      [$CT, 'LOCK-LEGACY-PROPSTAT'] ],
    [ 'delete-denied', 'DELETE', '/dav/frozen/', {}, undef, 207, [$CT] ],
    [ 'copy-denied', 'COPY', '/dav/coll/',
      { Destination => "http://$host/dav/frozen/", Overwrite => 'T' },
      undef, 207, [$CT] ],
    [ 'move-denied', 'MOVE', '/dav/mv/',
      { Destination => "http://$host/dav/frozen/", Overwrite => 'T' },
      undef, 207, [$CT] ],
    [ 'delete-locked', 'DELETE', '/dav/locked/', {}, undef, 424, undef ],
    [ 'copy-locked', 'COPY', '/dav/coll/',
      { Destination => "http://$host/dav/locked/", Overwrite => 'T',
        Depth => 'infinity' }, undef, 424, undef ],
    [ 'move-locked', 'MOVE', '/dav/locked/',
      { Destination => "http://$host/dav/moved/" }, undef, 424, undef ],
);

plan tests => 8 + 6 * @cases;

# ---- the tree ------------------------------------------------------------
my @setup = (
    [ MKCOL => '/dav/coll/' ],
    [ PUT   => '/dav/coll/a.txt', 'a' ],
    [ PUT   => '/dav/coll/with%20space.txt', 'space' ],
    [ PUT   => '/dav/coll/gr%C3%BC%C3%9Fe.txt', 'umlaut' ],
    [ MKCOL => '/dav/locked/' ],
    [ PUT   => '/dav/locked/held.txt', 'held' ],
    [ MKCOL => '/dav/mv/' ],
    [ PUT   => '/dav/mv/m.txt', 'm' ],
    [ MKCOL => '/dav/frozen/' ],
    [ MKCOL => '/dav/frozen/pinned/' ],
    [ PUT   => '/dav/frozen/pinned/k.txt', 'k' ],
);
my $setup_ok = 1;
for my $s (@setup) {
    my $r = req($s->[0], $s->[1], headers => { 'X-Mss-Off' => 1 },
        body => $s->[2]);
    $setup_ok = 0 unless $r->{status} == 201;
}
ok($setup_ok, 'the DAV tree is made');

my $lock = req('LOCK', '/dav/locked/held.txt',
    headers => { Depth => '0', Timeout => 'Infinite', 'X-Mss-Off' => 1 },
    body => $LOCKINFO);
ok($lock->{status} == 200, 'held.txt is locked');

# frozen/pinned/ is read-only for the server's user (the suite runs as
# that user), so its member can be neither unlinked nor replaced: genuine
# 207s from mod_dav_fs's delete walker.
my $pinned = Apache::Test::vars('documentroot') . '/dav/frozen/pinned';
ok(chmod(0555, $pinned) == 1, 'frozen/pinned is read-only');

# ---- the cases -------------------------------------------------------------
for my $c (@cases) {
    my ($name, $method, $path, $hdr, $body, $status, $expect) = @$c;
    my $off = req($method, $path, headers => { %$hdr, 'X-Mss-Off' => 1 },
        body => $body);
    my $m = mark();
    my $log = req($method, $path, headers => $hdr, body => $body);
    my @audit = audit_since($m);
    my @err = grep { /MSS001/ } errlog_since($m);
    my $acc = access_line($m, $log->{id}) // '';

    is($off->{status}, $status, "$name: status with the module off");
    is($log->{status}, $off->{status}, "$name: same status in Log mode");
    is(sha256_hex($log->{content} // ''),
        sha256_hex($off->{content} // ''),
        "$name: Log-mode body is byte-identical to module off");
    is($log->{headers}{'content-type'},
        $off->{headers}{'content-type'}, "$name: same Content-Type");
    if ($expect) {
        is(rules_of(@audit), join(',', sort @$expect),
            "$name: audit record names exactly the expected rules");
        my ($res, $rules) = $acc =~ /^\S+ \S+ \d+ (\S+) \[([^\]]*)\]/;
        ok(($res // '') eq 'violations'
                && ($rules // '') eq join(',', sort @$expect)
                && (grep { /MSS00112: 207 violations/ } @err),
            "$name: notes and error-log summary agree")
            or diag("access: $acc\nerror log:\n", join "\n", @err);
    }
    else {
        is(scalar(@audit), 0, "$name: a $status is not inspected");
        like($acc, qr/^\S+ \S+ $status - \[-\] -$/,
            "$name: no msstrict notes on a $status");
    }
}

# ---- whole-run checks ------------------------------------------------------
chmod 0755, $pinned;
my $m = mark();
my $r = req('PROPFIND', '/dav/coll/a.txt', headers => { Depth => '0' },
    body => $ALLPROP);
my @audit = audit_since($m);
ok($r->{status} == 207 && @audit == 1, 'one audit record per non-clean 207');
my $rec = $audit[0] // {};
ok(($rec->{method} // '') eq 'PROPFIND' && ($rec->{uri} // '') eq '/dav/coll/a.txt'
    && ($rec->{depth} // '') eq '0' && JSON::PP::is_bool($rec->{proxied})
    && !$rec->{proxied} && ($rec->{mode} // '') eq 'log',
    'audit record: method, uri, depth, proxied (JSON boolean), mode');
ok(($rec->{bytes_in} // -1) == length($r->{content})
    && ($rec->{bytes_out} // -1) == length($r->{content}),
    'audit record: bytes_in and bytes_out are the body length');
my $v = ($rec->{violations} // [])->[0] // {};
ok(($v->{rule} // '') eq $CT && ($v->{level} // '') eq 'SHOULD'
    && ($v->{rfc} // '') eq '4918 8.2' && ($v->{action} // '') eq 'logged'
    && exists $v->{href} && exists $v->{line} && exists $v->{col}
    && exists $v->{response} && length($v->{message} // ''),
    'audit violation record carries the design.md fields');
# HDR-CT-APPXML is INFO in rules.md: its lines log at info, not warn
my @lines = grep { /MSS0011[02]/ } errlog_since($m);
ok(@lines == 2 && !(grep { !/\[dav_msstrict:info\]/ } @lines),
    'an INFO rule logs its line and the summary at info')
    or diag(join "\n", @lines);
