# 11-collapse.t: the opt-in N3 fixes that answer a 207 with another
# status, through real httpd (mod_proxy_http in front of the canned
# back-end, /rw-n3/ with DAVMSStrictRule ... fix).  For each body the
# client gets the status, body and headers the core gives for the same
# body (the msstrict CLI, --mode rewrite with the same rules), and the
# notes say "fixed".  A 204 has no body and no Content-Length (RFC 9110
# 8.6).  With a DAVMSStrictMaxBuffer smaller than the body the headers
# cannot wait for the end: the 207 stays and the rule is logged.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use MssT qw(req req_backend mark audit_since access_line core_rewrite);

my @rules = map { ('--rule', "$_=fix") }
    qw(PF-UNMAPPED-404 DEL-MEMBERS-ONLY DEL-HAS-FAILURE LOCK-2518-409);
my @cases = (
    # name, method, Depth, the rule that changes the status, the status
    [ 'n3-unmapped', 'PROPFIND', '0',        'PF-UNMAPPED-404',  404 ],
    [ 'n3-del-self', 'DELETE',   undef,      'DEL-MEMBERS-ONLY', 423 ],
    [ 'n3-del-ok',   'DELETE',   undef,      'DEL-HAS-FAILURE',  204 ],
    [ 'n3-lock-409', 'LOCK',     'infinity', 'LOCK-2518-409',    207 ],
);

plan tests => 6 * @cases + 9;

for my $c (@cases) {
    my ($name, $method, $depth, $rule, $status) = @$c;
    # (the DELETE of a collection lists its members under it)
    my %h = ('X-Mss-Base' => "/rw-n3/$name" . ($name eq 'n3-del-ok' ? '/' : ''));
    $h{Depth} = $depth if defined $depth;
    my $be = req_backend($method, "/canned/$name", headers => \%h);
    my ($want, $wh) = core_rewrite($be->{content}, method => $method,
        uri => "/rw-n3/$name", ct => $be->{headers}{'content-type'},
        depth => $depth, args => [@rules,
            $be->{status} == 207 ? () : ('--status', $be->{status})]);
    my $m = mark();
    my $r = req($method, "/rw-n3/$name", headers => \%h);
    $r->{content} //= '';
    my @audit = audit_since($m);
    my $acc = access_line($m, $r->{id}) // '';

    is($wh->{':status'}, $status, "$name: the core answers $status");
    is($r->{status}, $status, "$name: the client gets $status");
    ok($r->{content} eq $want, "$name: and the core's body")
        or diag("got:\n$r->{content}\nwant:\n$want");
    if ($status == 204) {
        ok(!defined $r->{headers}{'content-length'}
                && $r->{content} eq '',
            "$name: 204 without a body or Content-Length");
    }
    elsif ($want eq '') {
        ok($r->{content} eq '', "$name: no body");
    }
    else {
        is($r->{headers}{'content-type'} // '',
            $wh->{'content-type'} // $be->{headers}{'content-type'},
            "$name: Content-Type as the core says");
    }
    my ($rec) = grep { ($_->{uri} // '') eq "/rw-n3/$name" } @audit;
    ok($rec && grep({ $_->{rule} eq $rule && $_->{action} eq 'fixed' }
            @{ $rec->{violations} }),
        "$name: the audit record has $rule fixed");
    like($acc, qr/\bfixed\b/, "$name: the note says fixed");
}

# a body larger than DAVMSStrictMaxBuffer: the headers go before the end,
# so the DELETE keeps its 207 and DEL-HAS-FAILURE is logged; through
# mod_proxy, and from a CGI in this server, whose whole body comes in one
# brigade with its EOS (the buffer decides, not how the body was split)
for my $p ('/rw-n3-small', '/cgi-n3-small') {
    my $m = mark();
    my $r = req('DELETE', "$p/n3-del-ok-big",
        headers => { 'X-Mss-Base' => "$p/n3-del-ok-big/" });
    my @audit = audit_since($m);
    my ($rec) = grep { ($_->{uri} // '') eq "$p/n3-del-ok-big" } @audit;
    is($r->{status}, 207, "$p: over DAVMSStrictMaxBuffer: the 207 stays");
    like($r->{content} // '', qr{</D:multistatus>\s*\z},
        '... with its whole body');
    is(scalar(() = ($r->{content} // '') =~ /<D:response>/g), 40,
        '... all 40 responses');
    ok($rec && grep({ $_->{rule} eq 'DEL-HAS-FAILURE' && $_->{action} eq 'logged' }
            @{ $rec->{violations} }),
        '... and DEL-HAS-FAILURE is logged, not fixed');
}

# Log mode: a LOCK 409 with a multistatus is inspected (the rule is INFO)
{
    my $m = mark();
    my $r = req('LOCK', '/bad/n3-lock-409',
        headers => { Depth => 'infinity', 'X-Mss-Base' => '/bad/n3-lock-409' });
    my @audit = audit_since($m);
    my ($rec) = grep { ($_->{uri} // '') eq '/bad/n3-lock-409' } @audit;
    ok($r->{status} == 409 && $rec
            && grep({ $_->{rule} eq 'LOCK-2518-409' } @{ $rec->{violations} }),
        'Log mode: a LOCK 409 multistatus is inspected, stays 409, '
        . 'LOCK-2518-409 logged');
}
