#!/usr/bin/perl
# t/hostile/cli.pl: the hostile-input matrix through the msstrict CLI (TAP).
#   usage: prove t/hostile/cli.pl :: /path/to/msstrict /path/to/maxrss TOP
# Every case (t/lib/MssHostile.pm) asserts: the run completes (time limit),
# no crash (exit 0 or 1, never a signal), bounded memory (peak RSS under
# 64 MiB, bodies up to 88 MB), and exactly the expected result and rules.
# The entity cases also prove nothing was fetched: the loopback listener
# an external entity names gets no connection, and a FIFO named as an
# entity's file is never opened (opening it would block the parser; after
# the run, no reader holds it).
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(mkfifo);
use Fcntl qw(O_WRONLY O_NONBLOCK);
use JSON::PP ();

my ($cli, $maxrss, $top) = @ARGV;
$top ||= '.';
unshift @INC, "$top/t/lib";
require MssHostile;

my $LIMIT_KB = 64 * 1024;
my $TIMEOUT  = 120;

my $dir = tempdir(CLEANUP => 1);
my $listen = IO::Socket::INET->new(Listen => 5, LocalAddr => '127.0.0.1',
    LocalPort => 0, Proto => 'tcp', Blocking => 0) or die "listen: $!";
my $port = $listen->sockport;
my $fifo = "$dir/entity.fifo";
mkfifo($fifo, 0600) or die "mkfifo: $!";

my @names = MssHostile::names();
plan tests => 5 * @names + 2;

for my $name (@names) {
    my $c = MssHostile::case($name, base => '/h/', port => $port, file => $fifo);
    my $f = "$dir/$name.xml";
    open(my $fh, '>', $f) or die $!;
    binmode $fh;
    print $fh $c->{body};
    close $fh;
    my @args = ('--json', '-m', $c->{method}, '-u', '/h/', '-Q', 'Host: 127.0.0.1',
        '-H', "Content-Type: $c->{ct}");
    push @args, '-d', $c->{depth} if defined $c->{depth};
    my ($out, $err) = ('', '');
    my $pid = open(my $ph, '-|');
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        open(STDERR, '>', "$dir/$name.err") or die $!;
        exec $maxrss, $cli, @args, $f or die "exec: $!";
    }
    my $done = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm $TIMEOUT;
        local $/;
        $out = <$ph> // '';
        close $ph;
        alarm 0;
        1;
    };
    if (!$done) {
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }
    $err = do { local (@ARGV, $/) = "$dir/$name.err"; <> } // '';
    my ($kb)   = $err =~ /maxrss_kb=(\d+)/;
    my ($exit) = $err =~ /maxrss_kb=\d+ exit=(\d+)/;
    my ($res)  = $err =~ /result=(\w+)/;
    my %r;
    for my $l (split /\n/, $out) {
        my $rec = eval { JSON::PP->new->decode($l) } or next;
        $r{ $rec->{rule} }++;
    }
    ok($done, "$name: completes within ${TIMEOUT}s ($c->{why})");
    ok(defined $exit && ($exit == 0 || $exit == 1),
        "$name: no crash (exit " . ($exit // 'none') . ')') or diag($err);
    ok(defined $kb && $kb < $LIMIT_KB,
        sprintf('%s: bounded memory (peak RSS %.1f MiB for a %.1f MB body)',
            $name, ($kb // 0) / 1024, length($c->{body}) / 1e6));
    is($res, $c->{outcome}, "$name: result $c->{outcome}");
    is(join(',', sort keys %r), join(',', sort @{ $c->{rules} }),
        "$name: reports exactly [@{ $c->{rules} }]");
}

my $conn = $listen->accept;
ok(!defined $conn, 'no connection ever reached the loopback listener the entities named');
my $w;
my $opened = sysopen($w, $fifo, O_WRONLY | O_NONBLOCK);
ok(!$opened && $!{ENXIO}, 'the FIFO an entity named was never opened for reading');
