# 02-proxy.t: a misbehaving back-end behind real mod_proxy_http.
#
# The back-end (t/backend/canned.pl in its own virtual host) answers any
# method with a canned 207.  Each body goes through /bad/ once with the
# module off for the request and once in Log mode.  In both the client
# gets exactly the back-end's bytes; in Log mode the audit record, the
# notes and the error-log summary name exactly the rule the body breaks
# (each body's comment cites its RFC section), the record says
# "proxied": true, and nothing taken from the body can forge a log line.
# Rewrite is t/09-rewrite.t, Reject t/06-reject.t.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use JSON::PP ();
use MssT qw(req req_backend mark audit_since errlog_since access_line
    rules_of slurp t_logs);

my @cases = (
    # name, method, expected rules, result
    [ 'clean',           'PROPFIND', '',                    'clean' ],
    [ 'missing-href',    'PROPFIND', 'MS-HREF-REQUIRED',    'violations' ],
    [ 'status-1xx',      'PROPFIND', 'MS-STATUS-1XX',       'violations' ],
    [ 'no-reason',       'PROPFIND', 'MS-STATUS-SYNTAX',    'violations' ],
    [ 'propstat-delete', 'DELETE',   'MS-PROPSTAT-METHOD',  'violations' ],
    [ 'bad-escaping',    'PROPFIND', 'MS-HREF-PCT-ENCODE',  'violations' ],
    [ 'wrong-ct',        'PROPFIND', 'HDR-CT-XML',          'violations' ],
    [ 'inject',          'PROPFIND', 'MS-HREF-PCT-ENCODE',  'violations' ],
    [ 'inject-bad',      'PROPFIND', 'XML-WELLFORMED',      'malformed' ],
    [ 'truncated',       'PROPFIND', 'XML-WELLFORMED',      'malformed' ],
    [ 'multi',           'PROPFIND',
      'HDR-CT-XML,MS-HREF-REQUIRED,MS-STATUS-1XX', 'violations' ],
);

plan tests => 9 * @cases + 4;

for my $c (@cases) {
    my ($name, $method, $expect, $result) = @$c;
    my %h = (Depth => '1', 'X-Mss-Base' => "/bad/$name");
    delete $h{Depth} if $method ne 'PROPFIND';
    my $be = req_backend($method, "/canned/$name", headers => \%h);
    my $m0 = mark();
    my $off = req($method, "/bad/$name", headers => { %h, 'X-Mss-Off' => 1 });
    my $offacc = access_line($m0, $off->{id}) // '';
    my $m = mark();
    my $log = req($method, "/bad/$name", headers => \%h);
    my @audit = audit_since($m);
    my @err = grep { /MSS001/ } errlog_since($m);
    my $acc = access_line($m, $log->{id}) // '';

    ok($be->{status} == 207 && length($be->{content}),
        "$name: the back-end answers 207 with a body");
    is($off->{content}, $be->{content}, "$name: module off: back-end bytes");
    is($log->{status}, 207, "$name: Log mode: still 207");
    ok($log->{content} eq $be->{content}, "$name: Log mode: back-end bytes, unchanged");
    is(rules_of(@audit), $expect, "$name: audit names exactly [$expect]");
    if ($result eq 'clean') {
        is(scalar(@audit), 0, "$name: a clean 207 writes no audit record");
        ok(!(grep { /MSS00112/ } @err), "$name: and no summary line");
    }
    else {
        ok(@audit == 1 && $audit[0]{proxied} && $audit[0]{result} eq $result
                && $audit[0]{uri} eq "/bad/$name",
            "$name: one record, proxied, result $result");
        ok((grep { /MSS00112: 207 $result: / } @err),
            "$name: error-log summary says $result")
            or diag(join "\n", @err);
    }
    like($acc, qr/^\S+ $method 207 $result \[\Q@{[$expect eq '' ? '' : $expect]}\E\] \d+$/,
        "$name: notes msstrict-result/-rules/-count in the access log");
    like($offacc, qr/^\S+ $method 207 - \[-\] -$/, "$name: module off: no notes");
}

# ---- log injection ---------------------------------------------------------
# Every error-log line is a record httpd wrote ("[date] [module:level]"):
# CR/LF from a body never starts a line of its own, and no raw control or
# non-ASCII byte reaches the error log.
my $errlog = slurp(t_logs() . '/error_log');
my @bad = grep { !/^\[/ } split /\n/, $errlog;
is(scalar(@bad), 0, 'error log: every line is an httpd record (no forged line)')
    or diag(join "\n", @bad[0 .. ($#bad > 4 ? 4 : $#bad)]);
my @ours = grep { /MSS001/ } split /\n/, $errlog;
ok(!(grep { /[\x00-\x08\x0b-\x1f\x7f-\xff]/ } @ours),
    'error log: no control or non-ASCII byte in our lines');
my @audit_lines = split /\n/, slurp(t_logs() . '/msstrict_audit.log');
my @invalid = grep { !eval { JSON::PP->new->utf8->decode($_); 1 } } @audit_lines;
ok(@audit_lines > 0 && !@invalid, 'audit log: every line is one valid JSON object')
    or diag(join "\n", @invalid);
my ($inj) = grep { $_->{uri} eq '/bad/inject' }
    map { JSON::PP->new->utf8->decode($_) } @audit_lines;
ok($inj && (grep { ($_->{href} // '') =~ /forged/ && $_->{href} =~ /\\x0d\\x0a/ }
        @{ $inj->{violations} }),
    'audit log: the CR LF of an href are kept as visible escapes');
