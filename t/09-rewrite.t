# 09-rewrite.t: Rewrite mode through real httpd.
#
# The canned back-end's bodies go through /rw/ (mod_proxy_http, DAVMSStrict
# Rewrite).  For each one the client must get exactly what the core gives
# for the same body and request facts (the msstrict CLI, --mode rewrite),
# with the header changes applied, and the notes and the audit record must
# say what was fixed.  Then: split brigades (BUCKETEER) give the same
# bytes; DEFLATE after the module gets the rewritten body; a 4K
# DAVMSStrictMaxBuffer releases the headers early without changing the
# body; a checker failure part-way leaves the client a whole body (fail
# open); real mod_dav_fs bodies, which need no fix, come out byte for byte.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use MssT qw(req req_backend mark audit_since errlog_since access_line
    rules_of core_rewrite);

my @cases = (
    # name, method, rules fixed (in the audit as "fixed"), result; a
    # header-only fix leaves the body as it was
    [ 'clean',           'PROPFIND', '',                   'clean' ],
    [ 'no-reason',       'PROPFIND', 'MS-STATUS-SYNTAX',   'fixed' ],
    [ 'bad-escaping',    'PROPFIND', 'MS-HREF-PCT-ENCODE', 'fixed' ],
    [ 'wrong-ct',        'PROPFIND', 'HDR-CT-XML',         'fixed', 'header' ],
    [ 'fix-text',        'PROPFIND', 'MS-HREF-PCT-ENCODE,MS-STATUS-SYNTAX', 'fixed' ],
    [ 'missing-href',    'PROPFIND', '',                   'violations' ],
    [ 'status-1xx',      'PROPFIND', '',                   'violations' ],
    [ 'propstat-delete', 'DELETE',   'MS-PROPSTAT-METHOD', 'fixed' ],
    # two adjacent responses for one member: one (MS-HREF-UNIQUE merge)
    [ 'dup-merge',       'PROPFIND', 'MS-HREF-UNIQUE',     'fixed' ],
    [ 'truncated',       'PROPFIND', '',                   'malformed' ],
    [ 'inject-bad',      'PROPFIND', '',                   'malformed' ],
);

plan tests => 7 * @cases + 18;

for my $c (@cases) {
    my ($name, $method, $fixed, $result, $header_only) = @$c;
    my %h = (Depth => '1', 'X-Mss-Base' => "/rw/$name");
    delete $h{Depth} if $method ne 'PROPFIND';
    my $be = req_backend($method, "/canned/$name", headers => \%h);
    my ($want, $wh) = core_rewrite($be->{content}, method => $method,
        uri => "/rw/$name", ct => $be->{headers}{'content-type'},
        depth => $h{Depth});
    my $m = mark();
    my $r = req($method, "/rw/$name", headers => \%h);
    my @audit = audit_since($m);
    my $acc = access_line($m, $r->{id}) // '';

    is($r->{status}, 207, "$name: Rewrite: still 207");
    ok($r->{content} eq $want,
        "$name: the client gets the core's rewrite of the back-end body"
        . ($r->{content} eq $be->{content} ? ' (unchanged)' : ' (changed)'))
        or diag("got:\n$r->{content}\nwant:\n$want");
    if ($result eq 'malformed' || $fixed eq '' || $header_only) {
        ok($r->{content} eq $be->{content},
            "$name: nothing to fix: the back-end's bytes, unchanged");
    }
    else {
        ok($r->{content} ne $be->{content}, "$name: the body was fixed");
    }
    my $ct = $wh->{'content-type'} // $be->{headers}{'content-type'};
    is($r->{headers}{'content-type'}, $ct, "$name: Content-Type is $ct");
    ok(!defined $r->{headers}{'content-length'}
        || $r->{headers}{'content-length'} == length $r->{content},
        "$name: Content-Length, if sent, is the length sent");
    my @fixed_recs = map { grep { $_->{action} eq 'fixed' } @{ $_->{violations} } } @audit;
    my %fr = map { $_->{rule} => 1 } @fixed_recs;
    is(join(',', sort keys %fr), $fixed, "$name: audit: fixed [$fixed]");
    like($acc, qr/ 207 \Q$result\E /, "$name: msstrict-result is $result");
}

# split brigades (BUCKETEER splits text/* bodies only): the same bytes
{
    my %h = (Depth => '1', 'X-Mss-Base' => '/rw/fix-text');
    my $a = req('PROPFIND', '/rw/fix-text', headers => \%h);
    my $b = req('PROPFIND', '/rw-split/fix-text?split=7', headers => \%h);
    is($b->{status}, 207, 'BUCKETEER: 207');
    ok($b->{content} eq $a->{content} && $a->{content} =~ m{>HTTP/1\.1 200 OK<},
        'BUCKETEER (7-byte brigades): the same rewritten bytes')
        or diag("split:\n$b->{content}\nwhole:\n$a->{content}");
}

# DEFLATE after the module
{
    my %h = (Depth => '1', 'X-Mss-Base' => '/rw/no-reason',
             'Accept-Encoding' => 'gzip');
    my $a = req('PROPFIND', '/rw/no-reason', headers => { %h, 'Accept-Encoding' => 'identity' });
    my $g = req('PROPFIND', '/rw-gz/no-reason', headers => \%h);
    is($g->{headers}{'content-encoding'} // '', 'gzip', 'DEFLATE after Rewrite: gzip');
    my $plain;
    gunzip(\$g->{content} => \$plain) or diag($GunzipError);
    ok(defined $plain && $plain eq $a->{content},
        'DEFLATE after Rewrite: the gzip holds the rewritten body');
}

# a small buffer: the headers go after the first response, the body is
# the same
{
    my %h = (Depth => '1');
    my $a = req('PROPFIND', '/rw/big-late', headers => \%h);
    my $m = mark();
    my $b = req('PROPFIND', '/rw-small/big-late', headers => \%h);
    is($b->{status}, 207, '4K buffer: 207');
    ok(length($a->{content}) > 20000 && $b->{content} eq $a->{content},
        '4K buffer, ' . length($a->{content}) . ' bytes: the same body');
    ok(!defined $b->{headers}{'content-length'},
        '4K buffer: streamed, no Content-Length');
}

# DAVMSStrictOriginMap and DAVMSStrictProxyMap: the back-end's origin and
# path prefix become the front end's; the first href is a path, so the
# mapped absolute one becomes a path too
{
    my %h = (Depth => '1');
    my $be = req_backend('PROPFIND', '/canned/backend-origin', headers => \%h);
    my ($want) = core_rewrite($be->{content}, method => 'PROPFIND',
        uri => '/rw-map/backend-origin', depth => '1',
        args => [ '--origin-map', 'http://backend.invalid:8080',
                  '--map', '/canned/=/rw-map/' ]);
    my $m = mark();
    my $r = req('PROPFIND', '/rw-map/backend-origin', headers => \%h);
    my @audit = audit_since($m);
    my %fr = map { $_->{rule} => 1 }
        map { grep { $_->{action} eq 'fixed' } @{ $_->{violations} } } @audit;
    is($r->{status}, 207, 'maps: 207');
    ok($r->{content} eq $want, 'maps: the core\'s rewrite with the same maps')
        or diag("got:\n$r->{content}\nwant:\n$want");
    like($r->{content}, qr{<D:href>/rw-map/backend-origin/a\.txt</D:href>},
        'maps: the back-end URI is the front-end path');
    unlike($r->{content}, qr{<D:href>[^<]*(?:backend\.invalid|/canned/)},
        'maps: neither the back-end origin nor its prefix is left');
    is(join(',', sort keys %fr), 'MS-HREF-ORIGIN,MS-HREF-PROXY-MAP,MS-HREF-SAME-FORM',
        'maps: audit: the three fixes');
}

# fail open: the checker fails after 300 bytes
{
    my %h = (Depth => '1', 'X-Mss-Base' => '/rw-fault/no-reason');
    my $be = req_backend('PROPFIND', '/canned/no-reason', headers => \%h);
    my $m = mark();
    my $r = req('PROPFIND', '/rw-fault/no-reason', headers => \%h);
    my @e = errlog_since($m);
    is($r->{status}, 207, 'fault: still 207');
    ok($r->{content} eq $be->{content},
        'fault: the client gets the whole body (held bytes first, the rest unchanged)');
    ok((grep { /MSS00125: Rewrite stopped after \d+ bytes; the rest of the 207 passes unchanged/ } @e),
        'fault: the error log says Rewrite stopped');
}

# real mod_dav_fs: nothing to fix, byte for byte
{
    my $off = req('PROPFIND', '/dav/', headers => { Depth => '1', 'X-Mss-Off' => 1 });
    my $m = mark();
    my $rw = req('PROPFIND', '/dav/', headers => { Depth => '1', 'X-Mss-Rewrite' => 1 });
    my $acc = access_line($m, $rw->{id}) // '';
    is($rw->{status}, 207, 'mod_dav_fs PROPFIND Depth 1 in Rewrite: 207');
    ok(length($off->{content}) > 0 && $rw->{content} eq $off->{content},
        'mod_dav_fs in Rewrite: byte-identical to the module off');
    like($acc, qr/ 207 (clean|violations) /, 'mod_dav_fs in Rewrite: inspected, nothing fixed');
}
