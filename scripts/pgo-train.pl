#!/usr/bin/perl
# pgo-train.pl CLI ROOT: the training run of the profile-guided build
# (Makefile.apxs, PGO=1).  CLI is msstrict built from an instrumented core;
# it checks every fixture under ROOT/t/data in Log mode and rewrites it in
# Rewrite mode, each with the request its .req describes, so the counts
# cover every rule's clean and violating paths and every fix.  The Log run
# goes twice: Log is the mode an auditing host runs on every 207, Rewrite
# where it is enabled (measured on bench/core: Log rows about 0.81 -> 0.83
# of bare SAX, Rewrite nothing-to-fix about 0.74 -> 0.73).  The bench
# bodies (bench/) are not among them.  Exit status 0 and 1 (findings) are
# both fine; a crash or a usage error stops the build.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use MssReq qw(req_args);

my ($cli, $root) = @ARGV;
die "usage: pgo-train.pl CLI ROOT\n" unless $cli && $root;
my @xml = sort glob("$root/t/data/*/*.xml");
die "pgo-train.pl: no fixtures under $root/t/data\n" unless @xml;

sub run {
    my ($x, @args) = @_;
    my $pid = fork();
    die "fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open(STDOUT, '>', '/dev/null') or die;
        open(STDERR, '>', '/dev/null') or die;
        exec($cli, @args, $x) or exit 127;
    }
    waitpid($pid, 0);
    die "pgo-train.pl: $cli @args $x: "
        . (($? & 127) ? 'signal ' . ($? & 127) : 'exit ' . ($? >> 8)) . "\n"
        if ($? & 127) || ($? >> 8) > 1;
}

for my $x (@xml) {
    my @args = req_args($x);
    my @log;
    for (my $i = 0; $i < @args; $i++) {
        if ($args[$i] eq '--mode') {
            $i++; # the mode is chosen below
            next;
        }
        push @log, $args[$i];
    }
    run($x, @log) for 1 .. 2;
    run($x, @log, '--mode', 'rewrite', '-o', '/dev/null');
}
printf "pgo-train.pl: %d fixtures, Log and Rewrite\n", scalar @xml;
