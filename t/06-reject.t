# 06-reject.t: DAVMSStrict Reject, with MS-HREF-REQUIRED and XML-WELLFORMED
# opted in (DAVMSStrictRule ... reject) and DAVMSStrictMaxBuffer 4K.
#   - a body that breaks a reject-level rule never reaches the client: it
#     gets 502 when the body came through mod_proxy, 500 otherwise, with
#     none of the body before it (the whole response is one clean error);
#   - Reject is Rewrite with a veto (design.md 1): a body that breaks only
#     other rules passes as Rewrite gives it (fixed where a rule can fix,
#     unchanged otherwise), a clean one unchanged;
#   - over the buffer with the verdict already in: the rest is discarded,
#     then 502; over the buffer first: the body is released and carries on
#     in Rewrite mode, with a warning that Reject could not be enforced.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use MssT qw(req req_backend mark audit_since errlog_since access_line
    rules_of canned_body core_rewrite);

plan tests => 52;

sub run_case {
    my ($path, $base, %o) = @_;
    my $m = mark();
    my $r = req($o{method} // 'PROPFIND', $path,
        headers => { Depth => '1', 'X-Mss-Base' => $base });
    return ($r, [ audit_since($m) ], [ errlog_since($m) ],
        access_line($m, $r->{id}) // '');
}

for my $c ([ 'missing-href', 'MS-HREF-REQUIRED' ], [ 'truncated', 'XML-WELLFORMED' ]) {
    my ($name, $rule) = @$c;
    my ($r, $a, $e, $acc) = run_case("/rej/$name", "/rej/$name");
    is($r->{status}, 502, "$name via mod_proxy: 502 Bad Gateway");
    ok(index($r->{content}, 'multistatus') < 0 && index($r->{content}, '<D:') < 0,
        "$name: none of the 207 body reaches the client");
    ok(@$a == 1 && $a->[0]{result} eq 'rejected' && $a->[0]{bytes_out} == 0
            && (grep { $_->{rule} eq $rule && $_->{action} eq 'rejected' }
                @{ $a->[0]{violations} }),
        "$name: audit says rejected, $rule with action rejected, bytes_out 0");
    like($acc, qr/ 502 rejected \[\Q$rule\E\] 1$/, "$name: notes say rejected");
    is(lc($r->{headers}{connection} // ''), 'close',
        "$name: the connection closes after the error document");
    ok((grep { /MSS00112: 207 rejected: .*the client gets 502/ } @$e),
        "$name: the summary line says the client gets 502")
        or diag(join "\n", @$e);
}

# only a rule that is not set to reject: passes unchanged
{
    my ($r, $a, $e, $acc) = run_case("/rej/status-1xx", "/rej/status-1xx");
    is($r->{status}, 207, 'status-1xx (not a reject-level rule): 207');
    is($r->{content}, canned_body("status-1xx", "/rej/status-1xx"),
        'status-1xx: body unchanged');
    is(rules_of(@$a), 'MS-STATUS-1XX', 'status-1xx: still reported');
    is($a->[0]{violations}[0]{action}, 'logged', 'status-1xx: action logged');
    like($acc, qr/ 207 violations \[MS-STATUS-1XX\] 1$/, 'status-1xx: notes');
}
{
    my ($r, $a, $e, $acc) = run_case("/rej/clean", "/rej/clean");
    is($r->{status}, 207, 'clean: 207');
    is($r->{content}, canned_body("clean", "/rej/clean"), 'clean: body unchanged');
    is(scalar(@$a), 0, 'clean: no audit record');
}

# not proxied: 500
{
    my ($r, $a, $e, $acc) = run_case('/cgi-rej/missing-href', '/cgi-rej/missing-href');
    is($r->{status}, 500, 'CGI (not proxied): 500');
    ok(index($r->{content}, 'multistatus') < 0, 'CGI: none of the body');
    like($acc, qr/ 500 rejected \[MS-HREF-REQUIRED\] 1$/, 'CGI: notes say rejected');
}

# a producer that stalls mid-body: the decision still waits for the end
{
    my ($r, $a, $e, $acc) = run_case("/rej/missing-href?stall=1", "/rej/missing-href");
    is($r->{status}, 502, 'stalling back-end: 502');
    ok(index($r->{content}, 'multistatus') < 0, 'stalling back-end: none of the body');
}

# over DAVMSStrictMaxBuffer, verdict first: discard, then 502
{
    my ($r, $a, $e, $acc) = run_case("/rej/big-early", "/rej/big-early");
    is($r->{status}, 502, 'big-early (22 KB, violation in the first 1 KB): 502');
    ok(index($r->{content}, 'multistatus') < 0, 'big-early: none of the body');
    ok(@$a == 1 && $a->[0]{result} eq 'rejected' && $a->[0]{bytes_in} > 20000,
        'big-early: the whole body was still checked (bytes_in), then rejected');
    ok((grep { /MSS00123/ } @$e), 'big-early: debug line: discarding the rest');
}

# a fixable violation of a rule not set to reject: fixed, as Rewrite does
# (the whole body fits the buffer, so its exact length is sent)
{
    my ($r, $a, $e, $acc) = run_case("/rej/no-reason", "/rej/no-reason");
    my ($want) = core_rewrite(canned_body('no-reason', '/rej/no-reason'),
        uri => '/rej/no-reason', depth => 1);
    is($r->{status}, 207, 'no-reason (fixable, not set to reject): 207');
    ok($r->{content} eq $want && $r->{content} ne canned_body('no-reason', '/rej/no-reason'),
        "no-reason: the client gets the core's rewrite (the status line fixed)")
        or diag($r->{content});
    is($r->{headers}{'content-length'}, length($want),
        'no-reason: Content-Length is the length of the rewritten body');
    ok(@$a == 1 && $a->[0]{result} eq 'fixed'
            && $a->[0]{violations}[0]{rule} eq 'MS-STATUS-SYNTAX'
            && $a->[0]{violations}[0]{action} eq 'fixed',
        'no-reason: audit says fixed, MS-STATUS-SYNTAX with action fixed');
    like($acc, qr/ 207 fixed \[MS-STATUS-SYNTAX\] 1$/, 'no-reason: notes say fixed');
}

# over DAVMSStrictMaxBuffer first, with fixes before and after the limit:
# the held part is released rewritten, the rest goes on in Rewrite mode
{
    my ($r, $a, $e, $acc) = run_case("/rej/big-fix", "/rej/big-fix");
    my $in = canned_body('big-fix', '/rej/big-fix');
    my ($want) = core_rewrite($in, uri => '/rej/big-fix', depth => 1);
    is($r->{status}, 207, 'big-fix (22 KB, fixes at both ends): 207');
    ok($r->{content} eq $want && $want ne $in,
        "big-fix: the client gets the core's rewrite of the whole body")
        or diag(length($r->{content}) . ' bytes, want ' . length($want));
    ok(!defined $r->{headers}{'content-length'},
        'big-fix: released before the end: no Content-Length');
    ok((grep { /\[dav_msstrict:warn\].*MSS00119: .*Reject cannot be enforced, the body goes on in Rewrite mode/ } @$e),
        'big-fix: a warning says Reject could not be enforced and Rewrite goes on')
        or diag(join "\n", @$e);
    ok(@$a == 1 && $a->[0]{result} eq 'fixed'
            && 2 == grep({ $_->{rule} eq 'MS-STATUS-SYNTAX' && $_->{action} eq 'fixed' }
                @{ $a->[0]{violations} }),
        'big-fix: both status lines reported as fixed');
    like($acc, qr/ 207 fixed \[MS-STATUS-SYNTAX\] 2$/, 'big-fix: notes');
    is(scalar(grep { /MSS00110: MS-STATUS-SYNTAX .*\[fixed\]$/ } @$e), 2,
        'big-fix: two error-log lines, each marked [fixed]');
}

# over DAVMSStrictMaxBuffer first: cannot enforce, carries on in Rewrite
# mode (the late violation is of a rule set to reject: never fixed, so the
# body is unchanged)
{
    my ($r, $a, $e, $acc) = run_case("/rej/big-late", "/rej/big-late");
    is($r->{status}, 207, 'big-late (violation after 4K): 207');
    is($r->{content}, canned_body("big-late", "/rej/big-late"),
        'big-late: body unchanged, nothing lost');
    ok((grep { /\[dav_msstrict:warn\].*MSS00119: .*Reject cannot be enforced/ } @$e),
        'big-late: a warning says Reject could not be enforced')
        or diag(join "\n", @$e);
    ok(@$a == 1 && $a->[0]{result} eq 'violations'
            && $a->[0]{violations}[0]{rule} eq 'MS-HREF-REQUIRED'
            && $a->[0]{violations}[0]{action} eq 'logged',
        'big-late: the late violation is logged, not claimed as rejected');
    like($acc, qr/ 207 violations \[MS-HREF-REQUIRED\] 1$/, 'big-late: notes');
}

# HEAD and a gzipped back-end 207 are not inspected in Reject mode either
{
    my $m = mark();
    my $r = req('HEAD', '/rej/missing-href');
    is($r->{status}, 207, 'HEAD in Reject mode: 207, not inspected');
    my ($g) = req('PROPFIND', '/rej/missing-href?gz=1',
        headers => { Depth => '1', 'X-Mss-Base' => '/rej/missing-href' });
    is($g->{status}, 207, 'gzipped back-end 207 in Reject mode: passes');
    my $be = req_backend('PROPFIND', '/canned/missing-href?gz=1',
        headers => { Depth => '1', 'X-Mss-Base' => '/rej/missing-href' });
    ok($g->{content} eq $be->{content}, 'gzipped back-end 207: bytes unchanged');
    is(scalar(audit_since($m)), 0, 'HEAD and gzip: no audit record');
}

# a rejection is logged at warn with the rule marked [rejected]
{
    my ($r, $a, $e, $acc) = run_case("/rej/missing-href", "/rej/missing-href");
    ok((grep { /\[dav_msstrict:warn\].*MSS00110: MS-HREF-REQUIRED .*\[rejected\]$/ } @$e),
        'the violation line is marked [rejected]') or diag(join "\n", @$e);
    ok(!(grep { /MSS00110/ && !/\[rejected\]$/ } @$e),
        'no other violation lines for that body');
}
