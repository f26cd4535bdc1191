# 05-litmus.t: litmus (the WebDAV server test suite, Debian package) runs
# against mod_dav_fs three times: with the module off (/litmus-off/), in
# Log mode (/litmus-log/) and in Rewrite mode (/litmus-rw/).  Every suite
# must give the same result for every test: the module changes nothing a
# DAV client can see of a compliant server.  The Log and Rewrite runs must
# also really have been checked (207s inspected).
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use File::Temp qw(tempdir);
use MssT qw(url mark audit_since);

my $LITMUS = '/usr/bin/litmus';
my $TIMEOUT = 300;    # seconds per litmus run

# Run litmus on URL; returns (exit code, {suite => {test => result}},
# {suite => summary}, raw output).
sub litmus {
    my ($u) = @_;
    my $dir = tempdir(CLEANUP => 1);
    my $out = '';
    my $pid = open(my $fh, '-|');
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        chdir $dir or die "$dir: $!";
        # litmus runs the tests named in $TESTS (make exports its own)
        delete $ENV{TESTS};
        open(STDERR, '>&', \*STDOUT);
        exec $LITMUS, $u or die "exec $LITMUS: $!";
    }
    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm $TIMEOUT;
        local $/;
        $out = <$fh> // '';
        alarm 0;
    };
    kill 'KILL', $pid if $@;
    close $fh;
    my $rc = $? >> 8;
    my (%res, %sum, $suite);
    for my $l (split /\n/, $out) {
        $l =~ s/\e\[[0-9;]*m//g;    # litmus colours its results on a tty
        $l =~ s/.*\r//;            # and redraws the test line with CR
        if ($l =~ /^-> running `([^']+)'/) { $suite = $1; next }
        if ($l =~ /^<- summary for `([^']+)': (.*)$/) { $sum{$1} = $2; next }
        if (defined $suite && $l =~ /^\s*\d+\.\s+(\S+?)\.*\s+(pass|FAIL|SKIPPED|WARNING)\b/) {
            $res{$suite}{$1} = $2;
        }
    }
    return ($rc, \%res, \%sum, $out);
}

plan tests => 9;

ok(-x $LITMUS, "$LITMUS is installed (make -f Makefile.apxs test installs it)")
    or BAIL_OUT('litmus is missing');

my ($rc_off, $off, $sum_off, $out_off) = litmus(url('/litmus-off/'));
my $m = mark();
my ($rc_log, $log, $sum_log, $out_log) = litmus(url('/litmus-log/'));
my @audit = audit_since($m);

my @suites = sort keys %$off;
ok(@suites >= 5 && (grep { $_ eq 'props' } @suites) && (grep { $_ eq 'locks' } @suites),
    'litmus ran its suites with the module off: ' . join(' ', @suites))
    or diag($out_off);
my $ntests = 0;
$ntests += keys %{ $off->{$_} } for @suites;
ok($ntests > 50, "litmus ran $ntests tests with the module off");
is_deeply($log, $off, 'Log mode: every litmus test has the same result as with the module off')
    or diag("off:\n$out_off\nlog:\n$out_log");
is($rc_log, $rc_off, 'Log mode: the same litmus exit code');
ok(@audit > 0 && !(grep { $_->{mode} ne 'log' } @audit),
    'Log mode: the 207s of the litmus run were checked (' . scalar(@audit)
        . ' audit records)');
my $m2 = mark();
my ($rc_rw, $rw, $sum_rw, $out_rw) = litmus(url('/litmus-rw/'));
my @audit_rw = audit_since($m2);
is_deeply($rw, $off, 'Rewrite mode: every litmus test has the same result as with the module off')
    or diag("off:\n$out_off\nrewrite:\n$out_rw");
is($rc_rw, $rc_off, 'Rewrite mode: the same litmus exit code');
ok(@audit_rw > 0 && !(grep { $_->{mode} ne 'rewrite' } @audit_rw),
    'Rewrite mode: the 207s of the litmus run were checked (' . scalar(@audit_rw)
        . ' audit records)');
diag("litmus summaries (module off / Log / Rewrite):");
diag("  $_: $sum_off->{$_} / " . ($sum_log->{$_} // '?') . ' / ' . ($sum_rw->{$_} // '?'))
    for sort keys %$sum_off;
