# 03-filter.t: how the filter sits in httpd's chain.
#   - split brigades (BUCKETEER before MSSTRICT) give the same findings as
#     one brigade, and the client still gets the bytes unchanged;
#   - a streaming CGI or back-end reaches the client as it comes (Log mode
#     holds nothing back while the producer stalls);
#   - DEFLATE after MSSTRICT: the client gets gzip, the check saw text;
#   - pass-through: a gzipped back-end 207, HEAD, a non-207 response and a
#     207 subrequest go through unchanged and unchecked;
#   - SetOutputFilter MSSTRICT without DAVMSStrict runs in Log mode.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use Test::More import => ['!plan'];
use IO::Socket::INET;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use Time::HiRes qw(time);
use MssT qw(req req_backend mark audit_since errlog_since access_line
    rules_of canned_body);

plan tests => 32;

sub findings {    # rule:response:line:col of a record, in order
    my ($rec) = @_;
    return join ' ', map { "$_->{rule}:$_->{response}:$_->{line}:$_->{col}" }
        @{ $rec->{violations} // [] };
}

# ---- split brigades ----------------------------------------------------------
{
    my %h = (Depth => '1', 'X-Mss-Base' => '/split/multi');
    my $m0 = mark();
    my $whole = req('PROPFIND', '/split/multi', headers => \%h);
    my ($rw) = audit_since($m0);
    my $m1 = mark();
    my $split = req('PROPFIND', '/split/multi?split=7', headers => \%h);
    my ($rs) = audit_since($m1);
    my @trace = grep { /MSS00118/ } errlog_since($m1);
    my $m2 = mark();
    my $bytes = req('PROPFIND', '/split/multi?split=1', headers => \%h);
    my ($rb) = audit_since($m2);

    is($split->{content}, canned_body('multi', '/split/multi'),
        'split: the client gets the body without the BUCKETEER markers');
    is($bytes->{content}, $split->{content}, 'split=1: the same bytes');
    ok($rw && length(findings($rw)), 'split: the whole body has findings');
    is(findings($rs // {}), findings($rw // {}),
        'split every 7 bytes: identical findings (rule, response, line, col)');
    is(findings($rb // {}), findings($rw // {}),
        'split every byte: identical findings');
    my ($buckets) = map { /(\d+) data buckets/ } @trace;
    ok(($buckets // 0) > 50,
        'split: the filter really saw many buckets (' . ($buckets // 0) . ')');
}

# ---- streaming: nothing is held back ----------------------------------------
# The producer sends half the body, then sleeps 2 s.  In Log mode the first
# half must reach the client before the sleep ends.
sub first_bytes_delay {
    my ($path, $base) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => Apache::TestRequest::hostport(),
        Timeout => 10) or return (undef, undef);
    my $t0 = time;
    print $sock "PROPFIND $path HTTP/1.0\r\nHost: 127.0.0.1\r\nDepth: 0\r\n"
        . "Content-Length: 0\r\nX-Mss-Base: $base\r\n\r\n";
    my $buf = '';
    my $t_first;
    while (1) {
        my $n = sysread($sock, $buf, 65536, length $buf);
        last if !$n;
        if (!defined $t_first && $buf =~ /\r\n\r\n.*<D:multistatus/s) {
            $t_first = time - $t0;
        }
    }
    return ($t_first, time - $t0, $buf);
}
for my $p ([ '/cgi-canned/clean?stall=2', '/cgi-canned/clean', 'CGI (pipe buckets)' ],
           [ '/bad/clean?stall=2', '/bad/clean', 'mod_proxy_http' ]) {
    my $m = mark();
    my ($first, $total, $resp) = first_bytes_delay($p->[0], $p->[1]);
    ok(defined $first && $first < 1.5 && $total >= 1.9,
        sprintf('streaming through %s: first bytes after %.2f s, all after %.2f s',
            $p->[2], $first // -1, $total // -1));
    my ($body) = ($resp // '') =~ /\r\n\r\n(.*)\z/s;
    is($body, canned_body('clean', $p->[1]), "streaming through $p->[2]: bytes unchanged");
    my $acc = access_line($m, '-') // '';    # HTTP/1.0 probe sent no X-Test-Id
    like($acc, qr/^- PROPFIND 207 clean \[\] 0$/, "streaming through $p->[2]: checked, clean");
}

# ---- DEFLATE after MSSTRICT ---------------------------------------------------
{
    my $m = mark();
    my $r = req('PROPFIND', '/gz/missing-href',
        headers => { Depth => '1', 'Accept-Encoding' => 'gzip',
                     'X-Mss-Base' => '/gz/missing-href' });
    my $plain;
    gunzip(\$r->{content} => \$plain) or $plain = "gunzip: $GunzipError";
    is($r->{headers}{'content-encoding'}, 'gzip', 'DEFLATE: the client gets gzip');
    is($plain, canned_body('missing-href', '/gz/missing-href'),
        'DEFLATE: it inflates to the back-end body');
    is(rules_of(audit_since($m)), 'MS-HREF-REQUIRED',
        'DEFLATE: the module checked the plain text');
}

# ---- pass-through cases ---------------------------------------------------------
{
    my %h = (Depth => '1', 'X-Mss-Base' => '/bad/missing-href');
    my $be = req_backend('PROPFIND', '/canned/missing-href?gz=1', headers => \%h);
    my $m = mark();
    my $r = req('PROPFIND', '/bad/missing-href?gz=1', headers => \%h);
    my @dbg = grep { /MSS00113/ } errlog_since($m);
    is($r->{headers}{'content-encoding'}, 'gzip', 'gzipped back-end 207: still gzip');
    ok($r->{content} eq $be->{content}, 'gzipped back-end 207: bytes unchanged');
    is(scalar(audit_since($m)), 0, 'gzipped back-end 207: not checked');
    ok((grep { /not inspected \(Content-Encoding: gzip\)/ } @dbg),
        'gzipped back-end 207: debug line gives the reason');
    like(access_line($m, $r->{id}) // '', qr/ 207 skipped \[-\] -$/,
        'gzipped back-end 207: msstrict-result is skipped');
}
{
    my $m = mark();
    my $r = req('HEAD', '/bad/missing-href');
    is($r->{status}, 207, 'HEAD: 207');
    is(scalar(audit_since($m)), 0, 'HEAD: not checked');
    ok((grep { /MSS00113: 207 not inspected \(HEAD/ } errlog_since($m)),
        'HEAD: debug line gives the reason');
}
{
    my $m = mark();
    my $r = req('GET', '/index.html');
    is($r->{status}, 200, 'non-207: GET /index.html is 200');
    is(scalar(audit_since($m)), 0, 'non-207: not checked');
    like(access_line($m, $r->{id}) // '', qr/ 200 - \[-\] -$/, 'non-207: no notes');
}
{
    my $m = mark();
    my $r = req('GET', '/ssi/page.shtml',
        headers => { 'X-Mss-Base' => '/cgi-canned/missing-href' });
    my $inner = canned_body('missing-href', '/cgi-canned/missing-href');
    is($r->{status}, 200, 'subrequest: the SSI page is 200');
    ok(index($r->{content}, $inner) >= 0 && $r->{content} =~ /^before\n/
            && $r->{content} =~ /after\n\z/,
        'subrequest: the included 207 body is there, unchanged');
    is(scalar(audit_since($m)), 0, 'subrequest: not checked');
    ok((grep { /MSS00113: 207 not inspected \(subrequest\)/ } errlog_since($m)),
        'subrequest: debug line gives the reason');
}

# ---- SetOutputFilter MSSTRICT alone ---------------------------------------------
{
    my $m = mark();
    my $r = req('PROPFIND', '/cgi-filter/missing-href',
        headers => { Depth => '1', 'X-Mss-Base' => '/cgi-filter/missing-href' });
    my @a = audit_since($m);
    is($r->{content}, canned_body('missing-href', '/cgi-filter/missing-href'),
        'SetOutputFilter MSSTRICT: bytes unchanged');
    ok(@a == 1 && rules_of(@a) eq 'MS-HREF-REQUIRED' && $a[0]{mode} eq 'log',
        'SetOutputFilter MSSTRICT without DAVMSStrict: checked in Log mode');
}
