#!/usr/bin/perl
# cli.pl: tests of the msstrict CLI (TAP, run by prove).
#   usage: prove t/cli/cli.pl :: /path/to/msstrict /path/to/source-tree
# Covers: --list-rules against the issue's rows and rules.md, every fixture
# through the CLI (same .expect as the unit test), exit codes, the JSON
# shape, stdin, usage errors, and the README rule table.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use File::Find;
use File::Temp qw(tempdir);
use IPC::Open3;
use Symbol qw(gensym);
use FindBin;
use lib "$FindBin::Bin/../lib";
use MssReq qw(req_args);

my ($cli, $top) = @ARGV;
$cli ||= 'build/msstrict';
$top ||= '.';
die "no CLI at $cli\n" unless -x $cli;

# Run the CLI; returns (exit code, stdout, stderr).
sub run_cli {
    my (@args) = @_;
    my $stdin = '';
    if (@args && ref $args[0] eq 'SCALAR') {
        $stdin = ${ shift @args };
    }
    my $err = gensym;
    my $pid = open3(my $in, my $out, $err, $cli, @args);
    print $in $stdin;
    close $in;
    local $/;
    my $o = <$out> // '';
    my $e = <$err> // '';
    waitpid($pid, 0);
    return ($? >> 8, $o, $e);
}

sub slurp {
    my ($f) = @_;
    open(my $fh, '<', $f) or return undef;
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s;
}

# ---- --list-rules ----------------------------------------------------
my ($rc, $out, $err) = run_cli('--list-rules', '--json');
is($rc, 0, '--list-rules --json exits 0');
my @rules = map { decode_json($_) } grep { /\S/ } split /\n/, $out;
my %by_row = map { $_->{row} => $_ } @rules;
my %by_id  = map { $_->{rule} => $_ } @rules;
for my $row (1 .. 24, 36 .. 50, 108) {
    ok($by_row{$row}, "--list-rules lists index row $row"
       . ($by_row{$row} ? " ($by_row{$row}{rule})" : ''));
}
for my $r (@rules) {
    like($r->{level}, qr/^(MUST|SHOULD|DTD|DERIVED|PASS)$/,
         "$r->{rule} has a level");
    like($r->{rfc}, qr/^\d{4} /, "$r->{rule} names its RFC section");
}
# the ids, rows and sections agree with the catalogue when it is at hand
my $catalogue = slurp("$top/../shared/rules.md");
SKIP: {
    skip('../shared/rules.md is not beside the tree', scalar @rules)
        unless defined $catalogue;
    my %cat;
    while ($catalogue =~ /^\|\s*(\d+)\s*\|\s*([A-Z0-9-]+)\s*\|\s*([^|]+?)\s*\|/mg) {
        $cat{$2} = { row => $1, src => $3 };
    }
    for my $r (@rules) {
        my $c = $cat{ $r->{rule} };
        my $src = $c ? $c->{src} : '';
        $src =~ s/\x{a7}|\xc2\xa7//g;    # the section sign
        ok($c && $c->{row} == $r->{row} && $src eq $r->{rfc},
           "$r->{rule}: row and RFC sections match rules.md")
            or diag("table: row $r->{row} '$r->{rfc}'; rules.md: "
                    . ($c ? "row $c->{row} '$src'" : 'absent'));
    }
}
($rc, $out) = run_cli('--list-rules');
is($rc, 0, '--list-rules exits 0');
is(scalar(() = $out =~ /^\S/mg), scalar @rules, 'text listing has a line per rule');

# ---- every fixture through the CLI -----------------------------------
my @fixtures;
find({ wanted => sub { push @fixtures, $File::Find::name if /\.xml$/ },
       no_chdir => 1 }, "$top/t/data");
@fixtures = sort @fixtures;
ok(@fixtures > 0, 'found fixtures');

sub expected {
    my ($xml) = @_;
    (my $exp = $xml) =~ s/\.xml$/.expect/;
    my @l;
    for my $line (split /\n/, slurp($exp) // '') {
        $line =~ s/#.*//;
        next unless $line =~ /\S/;
        my @f = split ' ', $line;
        push @l, "$f[0] $f[1] $f[2]";
    }
    return join("\n", sort @l);
}

my %fields = map { $_ => 1 }
    qw(rule level rfc response href line col message action);
my $json_ok = 1;
my $rwdir = tempdir(CLEANUP => 1);
my $have_xmllint = system('sh', '-c', 'command -v xmllint >/dev/null') == 0;
ok($have_xmllint, 'xmllint (libxml2-utils) is installed for the second-parser checks');
for my $xml (@fixtures) {
    (my $name = $xml) =~ s{^\Q$top\E/}{};
    my @args = req_args($xml);
    my $rewrite = grep { $_ eq 'rewrite' } @args;
    push @args, '-o', "$rwdir/out.xml" if $rewrite;
    # the CLI checks Expires against the real clock, the unit test against
    # 2026-01-01: fixtures that depend on it are compared in the unit test
    my ($c, $o, $e) = run_cli(@args, '--json', $xml);
    my @v = map { decode_json($_) } grep { /\S/ } split /\n/, $o;
    for my $v (@v) {
        my @keys = sort keys %$v;
        $json_ok = 0 unless @keys == keys %fields
            && !grep { !$fields{$_} } @keys;
        $json_ok = 0 unless $v->{response} =~ /^\d+$/
            && $v->{line} =~ /^\d+$/ && $v->{col} =~ /^\d+$/
            && ($v->{action} eq 'logged'
                || ($rewrite && $v->{action} =~ /^(fixed|dropped)$/))
            && $v->{level} =~ /^(MUST|SHOULD|DTD|DERIVED)$/
            && (!defined $v->{href} || !ref $v->{href});
    }
    my $got = join("\n", sort map { "$_->{rule} $_->{response} $_->{line}" } @v);
    my $want = expected($xml);
    if ($xml =~ /Expires/i || (slurp(($xml =~ s/\.xml$/.req/r)) // '') =~ /Expires/) {
        # only the exit code is stable against the wall clock
        ok($c == 0 || $c == 1, "$name: CLI runs (Expires fixture)");
        next;
    }
    is($got, $want, "$name: CLI report matches .expect") or diag($e);
    is($c, @v ? 1 : 0, "$name: exit code " . (@v ? 1 : 0));
    next unless $rewrite;
    # Rewrite mode: the body is the golden .out (when there is one), the
    # header changes the .hdr, and the output parses (a second, independent
    # parser: xmllint) whenever the input did
    my $outb = slurp("$rwdir/out.xml");
    ok(defined $outb, "$name: rewrite wrote the body");
    (my $golden = $xml) =~ s/\.xml$/.out/;
    if (-e $golden) {
        ok(defined $outb && $outb eq slurp($golden), "$name: body equals the .out file");
    }
    (my $ghdr = $xml) =~ s/\.xml$/.hdr/;
    if (-e $ghdr) {
        # (a status line first when an N3 fix answers with another status)
        my $hdr = join('', map { /^msstrict: status (\d+)$/ ? "status $1\n"
                                 : /^msstrict: header (set|removed) (.*)$/
                                     ? ($1 eq 'set' ? "set $2\n" : "unset $2\n") : () }
                           split /\n/, $e);
        is($hdr, slurp($ghdr), "$name: header changes equal the .hdr file");
    }
    # a 207 answered with a plain status and no body (204, or a 404
    # without DAV:error) has nothing to parse
    my $nobody = $e =~ /^msstrict: status \d+$/m && defined $outb && $outb eq '';
    my $in_ok = !$nobody && !grep { $_->{rule} eq 'XML-WELLFORMED' || $_->{rule} eq 'RW-FAIL-OPEN' } @v;
    if ($have_xmllint && $in_ok) {
        my $lint = system('xmllint', '--noout', '--nonet', "$rwdir/out.xml") >> 8;
        is($lint, 0, "$name: xmllint parses the rewritten body");
    }
}
ok($json_ok, 'every JSON record has exactly the design.md fields, typed');

# ---- exit codes and errors -------------------------------------------
my $dir = tempdir(CLEANUP => 1);
my $clean = "$top/t/data/MS-STATUS-SYNTAX/clean.xml";
my $bad   = "$top/t/data/MS-STATUS-SYNTAX/bad-no-version.xml";
($rc, $out, $err) = run_cli('-u', '/c/', '-d', '1', $clean);
is($rc, 0, 'clean body: exit 0');
is($out, '', 'clean body: nothing on stdout');
like($err, qr/result=clean violations=0/, 'clean body: summary on stderr');
($rc, $out) = run_cli('-u', '/c/', '-d', '1', $bad);
is($rc, 1, 'violations: exit 1');
like($out, qr/^\Q$bad\E:\d+:\d+: MS-STATUS-SYNTAX \[MUST; RFC 4918 14\.28/m,
     'text report: file:line:col: RULE [LEVEL; RFC ...]');
like($out, qr/response 1 <\/c\/>: /, 'text report names response and href');
my $body = slurp($bad);
my ($rc2, $out2) = run_cli(\$body, '-u', '/c/', '-d', '1', '-');
is($rc2, 1, 'stdin: exit 1');
(my $o1 = $out) =~ s/^\Q$bad\E:/-:/mg;
is($out2, $o1, 'stdin gives the same report');
($rc, $out, $err) = run_cli("$dir/nonexistent.xml");
is($rc, 2, 'unreadable file: exit 2');
like($err, qr/cannot read .*nonexistent\.xml/, 'unreadable file: clear error');
($rc, $out, $err) = run_cli('--frobnicate', $clean);
is($rc, 2, 'unknown flag: exit 2');
like($err, qr/unknown option --frobnicate/, 'unknown flag named');
($rc, $out, $err) = run_cli('-d', '2', $clean);
is($rc, 2, 'bad Depth: exit 2');
($rc, $out, $err) = run_cli('--rule', 'NO-SUCH=off', $clean);
is($rc, 2, 'unknown rule id: exit 2');
like($err, qr/unknown rule id 'NO-SUCH'/, 'unknown rule id named');
($rc, $out, $err) = run_cli('--rule', 'MS-STATUS-SYNTAX=maybe', $clean);
is($rc, 2, 'bad rule action: exit 2');
($rc, $out, $err) = run_cli('-m');
is($rc, 2, 'missing option value: exit 2');
like($err, qr/needs a value/, 'missing value named');
($rc, $out, $err) = run_cli('--limits', 'depth=0', $clean);
is($rc, 2, 'bad limit: exit 2');
($rc, $out, $err) = run_cli('-H', 'no colon here', $clean);
is($rc, 2, 'bad header: exit 2');
($rc, $out, $err) = run_cli('--mode', 'rewrite', $clean);
is($rc, 2, '--mode rewrite without -o: exit 2');
like($err, qr/needs -o OUT/, '... and says so');
# ---- rewrite mode ------------------------------------------------------
($rc, $out, $err) = run_cli('--mode', 'rewrite', '-u', '/c/', '-d', '1',
                            '-o', "$dir/rw.xml", $bad);
is($rc, 1, 'rewrite: violations found (and fixed): exit 1');
like($out, qr/MS-STATUS-SYNTAX .*\(fixed\)$/m, 'rewrite: the action is "fixed"');
like(slurp("$dir/rw.xml") // '', qr{<D:status>HTTP/1\.1 200 OK</D:status>},
     'rewrite: the status line is fixed in the output');
like($err, qr/fixed=4 dropped=0 bytes_out=\d+ changed=yes/, 'rewrite: the summary counts the fixes');
($rc, $out, $err) = run_cli('--mode', 'rewrite', '-u', '/c/', '-d', '1',
                            '-o', "$dir/rw2.xml", $clean);
is($rc, 0, 'rewrite, clean body: exit 0');
is(slurp("$dir/rw2.xml"), slurp($clean), 'rewrite, clean body: the output is the input, byte for byte');
($rc, $out, $err) = run_cli('--mode', 'rewrite', '-u', '/c/', '-d', '1', '--json',
                            '-o', '-', $bad);
like($out, qr{^<\?xml}, 'rewrite with -o -: the body goes to stdout');
like($err, qr/"action":"fixed"/, 'rewrite with -o -: the JSON report goes to stderr');
# ---- reject mode (exit 3, no body) --------------------------------------
($rc, $out, $err) = run_cli('--mode', 'reject', '--rule', 'MS-STATUS-SYNTAX=reject',
                            '-u', '/c/', '-d', '1', '-o', "$dir/out.xml", $bad);
is($rc, 3, 'reject: a rule set to reject fires: exit 3');
like($out, qr/MS-STATUS-SYNTAX .*\(rejected\)$/m, 'reject: the action is "rejected"');
ok(!-e "$dir/out.xml", 'reject: no body is written');
like($err, qr/result=rejected .*\(no body written\)/, 'reject: the summary says so');
($rc, $out, $err) = run_cli('--mode', 'reject', '-u', '/c/', '-d', '1',
                            '-o', "$dir/out2.xml", $bad);
is($rc, 1, 'reject mode, no rule set to reject: exit 1 (violations)');
# design.md 1: Reject is Rewrite with a veto, so a body that passes is
# the rewritten one, the same bytes as --mode rewrite gives
is(slurp("$dir/out2.xml"), slurp("$dir/rw.xml"),
   'reject mode: a body that passes is written as Rewrite writes it');
like($out, qr/MS-STATUS-SYNTAX .*\(fixed\)$/m, 'reject mode: fixable rules not set to reject are fixed');
like($err, qr/result=violations .*fixed=4 dropped=0/, 'reject mode: the summary counts the fixes');
($rc, $out, $err) = run_cli('--mode', 'reject', '-u', '/c/', '-d', '1', $bad);
is($rc, 1, 'reject mode without -o: exit 1');
like($out, qr/MS-STATUS-SYNTAX .*\(fixed\)$/m,
     'reject mode without -o: the report is the same (fixed), only no body is written');
($rc, $out, $err) = run_cli('--mode', 'reject', '--rule', 'MS-STATUS-SYNTAX=log',
                            '-u', '/c/', '-d', '1', '-o', "$dir/out4.xml", $bad);
is(slurp("$dir/out4.xml"), slurp($bad), 'reject mode, the rule set to log: written unchanged');
like($out, qr/MS-STATUS-SYNTAX .*\(logged\)$/m, 'reject mode, the rule set to log: logged');
($rc, $out, $err) = run_cli('--mode', 'reject', '--rule', 'MS-STATUS-SYNTAX=reject',
                            '-u', '/c/', '-d', '1', '-o', "$dir/out3.xml", $clean);
is($rc, 0, 'reject mode, clean body: exit 0');
is(slurp("$dir/out3.xml"), slurp($clean), 'reject mode, clean body: written unchanged');
($rc, $out, $err) = run_cli('--mode', 'reject', '--rule', 'MS-STATUS-SYNTAX=reject',
                            '--json', '-u', '/c/', '-d', '1', '-o', '-', $bad);
is($rc, 3, 'reject with -o -: exit 3');
is($out, '', 'reject with -o -: nothing on stdout');
like($err, qr/"action":"rejected"/, 'reject with -o -: the JSON report goes to stderr');
($rc, $out, $err) = run_cli('-o', "$dir/x.xml", $clean);
is($rc, 2, '-o in log mode: exit 2');

($rc, $out) = run_cli('--rule', 'MS-STATUS-SYNTAX=off', '-u', '/c/', '-d', '1',
                      $bad);
is($rc, 0, '--rule ID=off silences the rule: exit 0');
for my $o ('10.0.0.5:8080', 'http://be/dav/', 'ftp://be', 'http://', 'http://u@be') {
    ($rc, $out, $err) = run_cli('--origin-map', $o, $clean);
    is($rc, 2, "--origin-map '$o': usage error, exit 2");
    like($err, qr/--origin-map: '\Q$o\E' is not http\[s\]:\/\/HOST\[:PORT\]/,
         "--origin-map '$o': the message names it");
}
($rc, $out, $err) = run_cli('--origin-map', 'https://Be.Example:8443/', '-Q',
                            'Host: dav.example.com', '-u', '/c/', '-d', '1', $clean);
is($rc, 0, '--origin-map https://Be.Example:8443/ accepted (clean body: exit 0)');
($rc, $out) = run_cli('--help');
is($rc, 0, '--help exits 0');
like($out, qr/^usage: msstrict/, '--help prints usage');

# ---- the README rule table is the rule table -------------------------
my $readme = slurp("$top/README.md") // '';
my ($section) = $readme =~ /<!-- rules:begin -->\n(.*?)<!-- rules:end -->/s;
ok(defined $section, 'README.md has the generated rule table');
my $render = '';
open(my $gen, '-|', 'perl', "$top/scripts/readme-rules.pl", $cli)
    or die "readme-rules.pl: $!";
{ local $/; $render = <$gen>; }
close $gen;
is($section, $render,
   'README rule table equals the rule table (make -f Makefile.apxs readme)');

done_testing();
