#!/usr/bin/perl
# bench/e2e.pl TOP: PROPFIND Depth: 1 allprop through httpd, module Off
# against Log and Rewrite, on mod_dav_fs trees of 1,000 and 10,000 files.
#
# One private httpd per mode (event MPM, a single child process, same
# tree, same configuration but for DAVMSStrict), all on 127.0.0.1, and the
# requests interleaved: every round sends one request to each mode, in
# an order that rotates, so drift (CPU frequency, page cache) falls on all
# modes alike.  Per mode it reports
#   - httpd CPU per request: the child's on-CPU time (the sum of
#     /proc/PID/task/*/schedstat, nanoseconds) across the request;
#   - time to first byte and total time as the client (curl) sees them,
#     medians;
#   - the child's peak RSS (VmHWM) after each tree;
# each as a ratio or a difference against Off, measured in the same run.
# (mod_dav_fs bodies need no fix, so Rewrite re-emits them verbatim: its
# column is the cost of holding and copying, not of fixing.)
#
# ROUNDS_1K (default 60) and ROUNDS_10K (default 20) set the rounds.
use strict;
use warnings;
use File::Path qw(make_path remove_tree);
use POSIX qw(floor);

use Cwd qw(abs_path);
my $top = abs_path(shift // ".");
my $mod = "$top/build/mod_dav_msstrict.so";
die "no $mod (make -f Makefile.apxs module)\n" unless -e $mod;
my $MODS = '/usr/lib/apache2/modules';
my @modes = qw(off log rewrite);
my %rounds = (1000 => $ENV{ROUNDS_1K} // 60, 10000 => $ENV{ROUNDS_10K} // 20);
my $base_port = $ENV{MSS_BENCH_PORT} // 8270;
my $work = '/tmp/msstrict-e2e';

remove_tree($work);
make_path("$work/htdocs");
for my $n (sort { $a <=> $b } keys %rounds) {
    my $d = "$work/htdocs/t$n";
    make_path($d);
    for my $i (1 .. $n) {
        open(my $fh, '>', sprintf('%s/file-%05d.txt', $d, $i)) or die $!;
        print $fh "content $i\n";
        close $fh;
    }
}
my $as_root = $> == 0;
system('chown', '-R', 'nobody:nogroup', $work) if $as_root;

my %srv;
my $i = 0;
for my $mode (@modes) {
    my $dir  = "$work/$mode";
    my $port = $base_port + $i++;
    make_path("$dir/logs");
    system('chown', '-R', 'nobody:nogroup', $dir) if $as_root;
    my $conf = "$dir/httpd.conf";
    open(my $fh, '>', $conf) or die $!;
    print $fh <<"CONF";
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
@{[ $as_root ? "User nobody\nGroup nogroup" : '' ]}
PidFile "$dir/logs/httpd.pid"
DefaultRuntimeDir "$dir/logs"
ErrorLog "$dir/logs/error_log"
LogLevel warn
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule dav_module $MODS/mod_dav.so
LoadModule dav_fs_module $MODS/mod_dav_fs.so
LoadModule dav_msstrict_module "$mod"
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 1
ThreadsPerChild 4
MaxRequestWorkers 4
MinSpareThreads 1
MaxSpareThreads 4
MaxConnectionsPerChild 0
DocumentRoot "$work/htdocs"
DAVLockDB "$dir/logs/DAVLock"
<Directory "$work/htdocs">
    Dav On
    Require all granted
    DAVMSStrict @{[ $mode eq 'off' ? 'Off' : $mode eq 'log' ? 'Log' : 'Rewrite' ]}
</Directory>
CONF
    close $fh;
    system('/usr/sbin/apache2', '-f', $conf, '-k', 'start') == 0
        or die "cannot start httpd for $mode\n";
    $srv{$mode} = { port => $port, conf => $conf, dir => $dir };
}
sleep 2;
for my $mode (@modes) {
    my $ppid = slurp("$srv{$mode}{dir}/logs/httpd.pid");
    chomp $ppid;
    my @kids = grep { /^\d+$/ } split /\s+/, `pgrep -P $ppid`;
    die "mode $mode: expected one child of $ppid, got @kids\n" unless @kids == 1;
    $srv{$mode}{child} = $kids[0];
}

sub slurp { open(my $f, '<', $_[0]) or return ''; local $/; my $s = <$f>; $s }

sub cpu_ns {    # on-CPU time of every thread of PID
    my ($pid) = @_;
    my $t = 0;
    for my $s (glob "/proc/$pid/task/*/schedstat") {
        my ($ns) = split ' ', slurp($s);
        $t += $ns // 0;
    }
    return $t;
}

sub vmhwm_kb {
    my ($pid) = @_;
    my ($kb) = slurp("/proc/$pid/status") =~ /^VmHWM:\s+(\d+)/m;
    return $kb // 0;
}

my $ALLPROP = '<?xml version="1.0" encoding="utf-8"?>'
    . '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>';
sub propfind {
    my ($mode, $path) = @_;
    my $out = `curl -s -o /dev/null -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' --data-binary '$ALLPROP' -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' http://127.0.0.1:$srv{$mode}{port}$path`;
    my ($code, $ttfb, $total, $size) = split ' ', $out;
    die "mode $mode $path: HTTP $code\n" unless ($code // '') eq '207';
    return ($ttfb, $total, $size);
}

sub median {
    my @s = sort { $a <=> $b } @_;
    return 0 unless @s;
    return @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
}

my @report;
for my $n (sort { $a <=> $b } keys %rounds) {
    my $path = "/t$n/";
    my %m;
    propfind($_, $path) for (@modes, @modes);    # warm-up
    for my $r (1 .. $rounds{$n}) {
        my @order = $r % 2 ? @modes : reverse @modes;
        for my $mode (@order) {
            my $c0 = cpu_ns($srv{$mode}{child});
            my ($ttfb, $total, $size) = propfind($mode, $path);
            # the child's CPU for this request ends when the response is
            # written, which is before curl returns
            my $c1 = cpu_ns($srv{$mode}{child});
            push @{ $m{$mode}{cpu} }, ($c1 - $c0) / 1e6;
            push @{ $m{$mode}{ttfb} }, $ttfb * 1000;
            push @{ $m{$mode}{total} }, $total * 1000;
            $m{$mode}{size} = $size;
        }
    }
    for my $mode (@modes) {
        $m{$mode}{hwm} = vmhwm_kb($srv{$mode}{child});
        my @c = @{ $m{$mode}{cpu} };
        my $sum = 0;
        $sum += $_ for @c;
        $m{$mode}{cpu_mean} = $sum / @c;
    }
    push @report, [ $n, \%m ];
}
for my $mode (@modes) {
    system('/usr/sbin/apache2', '-f', $srv{$mode}{conf}, '-k', 'stop');
}

printf "bench/e2e: PROPFIND Depth: 1 allprop, mod_dav_fs, one httpd child per mode, interleaved\n";
for my $row (@report) {
    my ($n, $m) = @$row;
    my $o = $m->{off};
    printf "\n%d files (%d rounds, body %d bytes)\n", $n, $rounds{$n}, $o->{size};
    printf "  %-7s  %10s %7s  %10s %9s  %10s  %10s %9s\n",
        'mode', 'CPU ms/req', 'ratio', 'TTFB ms', 'diff ms', 'total ms',
        'VmHWM MiB', 'diff MiB';
    for my $mode (@modes) {
        my $x = $m->{$mode};
        printf "  %-7s  %10.2f %7.3f  %10.2f %+9.2f  %10.2f  %10.1f %+9.2f\n",
            $mode, $x->{cpu_mean}, $x->{cpu_mean} / $o->{cpu_mean},
            median(@{ $x->{ttfb} }), median(@{ $x->{ttfb} }) - median(@{ $o->{ttfb} }),
            median(@{ $x->{total} }), $x->{hwm} / 1024,
            ($x->{hwm} - $o->{hwm}) / 1024;
    }
}
print "\nCPU: mean on-CPU time of the httpd child per request; TTFB and total: medians\n"
    . "as curl sees them; VmHWM: the child's peak RSS after the tree's rounds.\n";
remove_tree($work) unless $ENV{MSS_KEEP};
