# 07-fault.t: an internal failure of the checker (the core's fault-
# injection hook, SetEnv MSSTRICT_TEST_FAIL_AFTER N: the checker fails
# after N body bytes as an allocation failure would).
#   - Log: the 207 still reaches the client whole and unchanged; an error
#     line says checking stopped; the note is "skipped".
#   - Reject: a failure before any verdict never turns the 207 into an
#     error: the body passes whole (fail open).  A verdict reached before
#     the buffer filled stands even if the checker fails afterwards, and
#     then the client gets 502 and none of the body, never a partial one.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use MssT qw(req req_backend mark audit_since errlog_since access_line
    canned_body);

plan tests => 14;

sub run_case {
    my ($path) = @_;
    (my $base = $path) =~ s/\?.*//;
    my $m = mark();
    my $r = req('PROPFIND', $path, headers => { Depth => '1', 'X-Mss-Base' => $base });
    return ($r, [ audit_since($m) ], [ errlog_since($m) ],
        access_line($m, $r->{id}) // '', $base);
}

{
    my ($r, $a, $e, $acc, $base) = run_case('/fault/big-late');
    is($r->{status}, 207, 'Log, checker fails after 300 bytes: still 207');
    is($r->{content}, canned_body('big-late', $base), 'Log: the body arrives whole and unchanged');
    ok((grep { /\[dav_msstrict:error\].*MSS00116: checker failed after \d+ bytes; the rest of the 207 passes unchecked/ } @$e),
        'Log: an error line says checking stopped') or diag(join "\n", @$e);
    like($acc, qr/ 207 skipped /, 'Log: msstrict-result is skipped');
    ok(@$a == 1 && $a->[0]{result} eq 'skipped', 'Log: the audit record says skipped');
}
{
    my ($r, $a, $e, $acc, $base) = run_case('/fault-rej/missing-href');
    is($r->{status}, 207, 'Reject, failure before any verdict: 207, not an error');
    is($r->{content}, canned_body('missing-href', $base),
        'Reject: the body passes whole (fail open)');
    like($acc, qr/ 207 skipped /, 'Reject: msstrict-result is skipped');
}
{
    # big-early: the reject-level violation is in the first 1 KB, the 4K
    # buffer fills (verdict in: discard), then the checker fails at 12000
    my ($r, $a, $e, $acc, $base) = run_case('/fault-rej/late/big-early');
    is($r->{status}, 502, 'Reject, verdict before the failure: 502');
    ok(index($r->{content}, 'multistatus') < 0 && index($r->{content}, 'member-') < 0,
        'Reject: none of the body, not even part of it');
    ok((grep { /MSS00116/ } @$e) && (grep { /rejected on a verdict reached before the checker failed/ } @$e),
        'Reject: the failure and the standing verdict are both logged')
        or diag(join "\n", @$e);
    like($acc, qr/ 502 rejected /, 'Reject: msstrict-result is rejected');
}
{
    # the same failure at 12000 bytes, no reject-level rule broken: the
    # held 4K went out when the buffer filled, the rest follows unchecked
    my ($r, $a, $e, $acc, $base) = run_case('/fault-rej/late/big-late');
    is($r->{status}, 207, 'Reject, overflow then failure, nothing to reject: 207');
    is($r->{content}, canned_body('big-late', $base), 'the body arrives whole');
}
