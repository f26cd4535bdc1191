# 08-hostile.t: the hostile-input matrix (t/lib/MssHostile.pm) through
# httpd: the canned back-end generates each case (/canned/gen-NAME) behind
# mod_proxy_http, with the module in Log mode.  Every case asserts that the
# request completes, that the client gets the back-end's bytes unchanged,
# that memory stays bounded (the growth of the httpd children's peak RSS),
# and the expected summary line and audit record.  No httpd child may die.
# The entity cases also prove nothing was fetched: the loopback listener an
# external entity names gets no connection, and a FIFO named as an entity's
# file is never opened by the server.  Then a back-end that dies mid-body
# and one that stalls past ProxyTimeout: the request ends within the
# server's own timeouts and the log says what happened.  Then every case
# again through /rw/ (Rewrite mode): the request completes, memory stays
# bounded, and the client gets exactly what the core's rewriter makes of
# the body (the msstrict CLI, same request facts), which for a case that
# is not well-formed or over a limit is the body unchanged (fail open).
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use Digest::SHA qw(sha256_hex);
use IO::Socket::INET;
use POSIX qw(mkfifo);
use Fcntl qw(O_WRONLY O_NONBLOCK);
use Time::HiRes qw(time);
use MssT qw(req mark audit_since errlog_since rules_of slurp t_logs
    core_rewrite);
use MssHostile ();

my $LIMIT_MB = 64;
my @names = MssHostile::names();
plan tests => 5 * @names + 8 + 4 * @names;

my $listen = IO::Socket::INET->new(Listen => 5, LocalAddr => '127.0.0.1',
    LocalPort => 0, Proto => 'tcp', Blocking => 0) or die "listen: $!";
my $port = $listen->sockport;
my $fifo = t_logs() . '/entity.fifo';
unlink $fifo;
mkfifo($fifo, 0600) or die "mkfifo: $!";

sub children {    # pids of the test server's children
    my $ppid = slurp(Apache::Test::vars('t_pid_file')) // '';
    chomp $ppid;
    my @kids;
    for my $st (glob '/proc/[0-9]*/stat') {
        my $s = slurp($st) // next;
        my ($pid, $pp) = $s =~ /^(\d+) \(.*\) \S+ (\d+)/ or next;
        push @kids, $pid if $pp eq $ppid;
    }
    return @kids;
}
sub peak_mb {    # the largest VmHWM among the children, in MiB
    my $max = 0;
    for my $pid (children()) {
        my ($kb) = (slurp("/proc/$pid/status") // '') =~ /^VmHWM:\s+(\d+)/m;
        $max = $kb if ($kb // 0) > $max;
    }
    return $max / 1024;
}

my $base_mb = peak_mb();
my $m_all = mark();
for my $name (@names) {
    my $path = "/bad/gen-$name";
    my $c = MssHostile::case($name, base => $path, port => $port, file => $fifo);
    my %h = ('X-Mss-Base' => $path);
    $h{Depth} = $c->{depth} if defined $c->{depth};
    my $m = mark();
    my $t0 = time;
    my $r = req($c->{method}, "$path?port=$port&file=$fifo", headers => \%h);
    my $secs = time - $t0;
    my @audit = audit_since($m);
    my @err = errlog_since($m);
    my $peak = peak_mb();

    is($r->{status}, 207, sprintf('%s: completes, 207 (%.1f s; %s)', $name, $secs, $c->{why}));
    ok(sha256_hex($r->{content} // '') eq sha256_hex($c->{body}),
        sprintf('%s: the client gets the %.1f MB body unchanged', $name,
            length($c->{body}) / 1e6));
    ok($peak - $base_mb < $LIMIT_MB,
        sprintf('%s: bounded memory (children peak RSS %.1f MiB, %.1f at start)',
            $name, $peak, $base_mb));
    if ($c->{outcome} eq 'clean') {
        ok((grep { /MSS00111: 207 clean/ } @err), "$name: debug line says clean")
            or diag(join "\n", grep { /MSS/ } @err);
    }
    else {
        ok((grep { /MSS00112: 207 $c->{outcome}: / } @err),
            "$name: summary line says $c->{outcome}")
            or diag(join "\n", grep { /MSS/ } @err);
    }
    is(rules_of(@audit), join(',', sort @{ $c->{rules} }),
        "$name: audit names exactly [@{ $c->{rules} }]");
}

my $conn = $listen->accept;
ok(!defined $conn, 'no connection reached the loopback listener the entities named');
my $w;
ok(!sysopen($w, $fifo, O_WRONLY | O_NONBLOCK) && $!{ENXIO},
    'the FIFO an entity named was never opened for reading');

# a back-end that promises 5000 bytes more than it sends
{
    my $m = mark();
    my $t0 = time;
    my $r = req('PROPFIND', '/bad/clean?lie=1',
        headers => { Depth => '0', 'X-Mss-Base' => '/bad/clean' });
    my $secs = time - $t0;
    my @err = grep { /MSS001/ } errlog_since($m);
    ok($secs < 30, sprintf('back-end dies mid-body: the request ends (%.1f s, status %s)',
        $secs, $r->{status}));
    ok((grep { /MSS00112: 207 malformed: / || /MSS00124: 207 ended without/ } @err),
        'back-end dies mid-body: the log says the body was cut')
        or diag(join "\n", @err);
}
# a back-end that stalls longer than the proxy's timeout (2 s)
{
    my $m = mark();
    my $t0 = time;
    my $r = req('PROPFIND', '/hang/clean?stall=6',
        headers => { Depth => '0', 'X-Mss-Base' => '/hang/clean' });
    my $secs = time - $t0;
    my @err = grep { /MSS001/ } errlog_since($m);
    ok($secs < 10, sprintf('stalling back-end: ends within the server\'s timeouts (%.1f s, status %s)',
        $secs, $r->{status}));
    ok((grep { /MSS00112: 207 malformed: / || /MSS00124: 207 ended without/ } @err),
        'stalling back-end: the log says the body was cut')
        or diag(join "\n", @err);
}

# ---- the matrix in Rewrite mode ----------------------------------------
for my $name (@names) {
    my $path = "/rw/gen-$name";
    my $c = MssHostile::case($name, base => $path, port => $port, file => $fifo);
    my %h = ('X-Mss-Base' => $path);
    $h{Depth} = $c->{depth} if defined $c->{depth};
    my $m = mark();
    my $t0 = time;
    my $r = req($c->{method}, "$path?port=$port&file=$fifo", headers => \%h);
    my $secs = time - $t0;
    my @err = errlog_since($m);
    my $peak = peak_mb();
    my ($want) = core_rewrite($c->{body}, method => $c->{method}, uri => $path,
        depth => $c->{depth}, ct => $c->{ct} // 'application/xml; charset="utf-8"');

    is($r->{status}, 207, sprintf('Rewrite %s: completes, 207 (%.1f s)', $name, $secs));
    ok(sha256_hex($r->{content} // '') eq sha256_hex($want),
        sprintf('Rewrite %s: the client gets the core\'s rewrite (%s)', $name,
            $want eq $c->{body} ? 'the body unchanged' : 'changed'));
    ok($peak - $base_mb < $LIMIT_MB,
        sprintf('Rewrite %s: bounded memory (children peak RSS %.1f MiB)', $name, $peak));
    ok((grep { /MSS0011[12]: 207 / } @err), "Rewrite $name: the summary or clean line is logged")
        or diag(join "\n", grep { /MSS/ } @err);
}

my $log = join "\n", errlog_since($m_all);
ok($log !~ /exit signal|AH00052|AH00060/, 'no httpd child died');
ok($log !~ /\[dav_msstrict:(error|crit|alert|emerg)\]/,
    'no error-level line from the module in this matrix');
