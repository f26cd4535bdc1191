# 10-counters.t: the counters on mod_status's /server-status.
#
# The counters live in shared memory, so every child and thread of the
# event MPM adds to the same numbers.  The test reads /server-status?auto,
# sends a known mix of 207s through the module (one per msstrict-result,
# plus a Reject that could not be enforced), reads it again and checks each
# difference: the per-result counts against the msstrict-result note of
# each request, the per-rule counts against the msstrict-rules notes, and
# the byte counts against the bodies the back-end and the client saw.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use MssT qw(req mark access_line canned_body);

plan tests => 19;

sub status_auto {
    my $r = req('GET', '/server-status?auto');
    die "server-status: $r->{status}" unless $r->{status} == 200;
    my %h;
    for (split /\n/, $r->{content}) {
        $h{$1} = $2 if /^(MSStrict[^:]*): (\d+)$/;
    }
    return \%h;
}

my $before = status_auto();
ok(exists $before->{MSStrictInspected}, 'server-status?auto has the MSStrict counters');

# path, method, expected msstrict-result, body bytes in (back-end), out
my @mix = (
    [ '/bad/clean',        'PROPFIND', 'clean' ],
    [ '/bad/missing-href', 'PROPFIND', 'violations' ],
    [ '/rw/no-reason',     'PROPFIND', 'fixed' ],
    [ '/rej/missing-href', 'PROPFIND', 'rejected' ],
    [ '/bad/truncated',    'PROPFIND', 'malformed' ],
    [ '/rej/big-fix',      'PROPFIND', 'fixed' ],
    [ '/bad/clean',        'HEAD',     'skipped' ],
);
my (%results, %rules, $in, $out) = ((), (), 0, 0);
for my $c (@mix) {
    my ($path, $method, $want) = @$c;
    my $m = mark();
    my $r = req($method, $path, headers => { Depth => '1', 'X-Mss-Base' => $path });
    my $acc = access_line($m, $r->{id}) // '';
    my ($got, $list) = $acc =~ / \d{3} (\S+) \[([^\]]*)\]/;
    $got //= '';
    $results{$got}++;
    # an unset note is logged as "-"
    $rules{$_}++ for grep { length && $_ ne '-' } split /,/, $list // '';
    (my $name = $path) =~ s{.*/}{};
    if ($method ne 'HEAD') {
        $in += length canned_body($name, $path);
        $out += length $r->{content} if $want ne 'rejected';
    }
    is($got, $want, "$method $path: msstrict-result $want");
}

my $after = status_auto();
my %d = map { $_ => ($after->{$_} // 0) - ($before->{$_} // 0) } keys %$after;

is($d{MSStrictInspected}, 6, 'MSStrictInspected: +6 (HEAD is not inspected)');
my %key = (clean => 'MSStrictClean', violations => 'MSStrictViolations',
    fixed => 'MSStrictFixed', rejected => 'MSStrictRejected',
    malformed => 'MSStrictMalformed', skipped => 'MSStrictSkipped');
is_deeply({ map { $_ => $d{ $key{$_} } } keys %key },
    { map { $_ => $results{$_} // 0 } keys %key },
    'per-result counters match the msstrict-result notes');
is($d{MSStrictOverflow}, 0, 'MSStrictOverflow: unchanged');
is($d{MSStrictUnenforced}, 1, 'MSStrictUnenforced: +1 (big-fix outgrew the 4K buffer)');
is_deeply({ map { /^MSStrictRule (.*)$/ ? ($1 => $d{$_}) : () } grep { $d{$_} } keys %d },
    \%rules, 'per-rule counters match the msstrict-rules notes');
ok($d{MSStrictViolationsFound} >= scalar(keys %rules),
    "MSStrictViolationsFound: +$d{MSStrictViolationsFound}");
is($d{MSStrictBytesIn}, $in, "MSStrictBytesIn: +$in, the back-end bodies");
is($d{MSStrictBytesOut}, $out, "MSStrictBytesOut: +$out, what the clients got");

# the HTML page shows the same
{
    my $r = req('GET', '/server-status');
    like($r->{content}, qr{<h2>mod_dav_msstrict</h2>}, 'the HTML page has a mod_dav_msstrict section');
    like($r->{content}, qr{<tr><td>MS-HREF-REQUIRED</td><td>\d+</td></tr>},
        'the HTML page lists a rule that fired');
    like($r->{content}, qr{<tr><td>rejected</td><td>[1-9]\d*</td></tr>},
        'the HTML page counts the rejected 207');
}
