package MssT;
# MssT: helpers shared by the Apache::Test files (t/*.t) of mod_dav_msstrict.
#
# Requests go through HTTP::Tiny (core Perl), which sends any method and
# never decodes a body, so the tests see the bytes as sent.  Each request
# carries an X-Test-Id header that the test server's custom access log
# records next to the msstrict-* notes.  The audit log, the error log and
# the access log are read from offsets taken before a request, so a test
# sees only what its own request wrote (the suite runs one client).
use strict;
use warnings;
use Exporter 'import';
use Apache::Test ();
use Apache::TestRequest ();
use HTTP::Tiny;
use JSON::PP ();
use Time::HiRes qw(sleep);

our @EXPORT_OK = qw(url backend_url req req_backend slurp mark
    audit_since errlog_since access_line rules_of canned_body t_logs
    core_rewrite);

my $ua = HTTP::Tiny->new(timeout => 30, keep_alive => 0,
    agent => 'msstrict-apache-test');
my $seq = 0;

sub t_logs { Apache::Test::vars('t_logs') }

# What the core makes of BODY in Rewrite mode, through the msstrict CLI
# with the request facts the module sees: returns (body, {header => value,
# or undef when removed}).  %o: method, uri, depth, ct (Content-Type).
sub core_rewrite {
    my ($body, %o) = @_;
    require File::Temp;
    require IPC::Open3;
    require Symbol;
    my $cli = ($ENV{MSS_TOP} // '.') . '/build/msstrict';
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    open(my $fh, '>:raw', "$dir/in.xml") or die $!;
    print $fh $body;
    close $fh;
    my @a = ('-m', $o{method} // 'PROPFIND', '-u', $o{uri} // '/',
             '-Q', 'Host: ' . Apache::TestRequest::hostport(),
             '--mode', 'rewrite', '-o', "$dir/out.xml");
    push @a, '-d', $o{depth} if defined $o{depth};
    push @a, @{ $o{args} } if $o{args};
    push @a, '-H', "Content-Type: $o{ct}" if defined $o{ct};
    my $err = Symbol::gensym();
    my $pid = IPC::Open3::open3(my $in, my $out, $err, $cli, @a, "$dir/in.xml");
    close $in;
    my $e = do { local $/; <$err> } // '';
    do { local $/; <$out> };
    waitpid($pid, 0);
    my %h;
    for (split /\n/, $e) {
        $h{ lc $1 } = $2 if /^msstrict: header set ([^:]+): (.*)$/;
        $h{ lc $1 } = undef if /^msstrict: header removed (.*)$/;
        $h{':status'} = $1 if /^msstrict: status (\d+)$/;
    }
    my $o = slurp("$dir/out.xml") // die "$cli wrote nothing: $e";
    return ($o, \%h);
}

sub url { 'http://' . Apache::TestRequest::hostport() . $_[0] }

# The canned back-end's port, from the Define in the generated extra.conf.
sub backend_port {
    my $conf = Apache::Test::vars('t_conf') . '/extra.conf';
    my $text = slurp($conf) // die "no $conf";
    $text =~ /^Define MSS_BACKEND_PORT (\d+)/m or die "no backend port";
    return $1;
}

sub backend_url { 'http://127.0.0.1:' . backend_port() . $_[0] }

sub slurp {
    my ($f) = @_;
    open(my $fh, '<', $f) or return undef;
    binmode $fh;
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s;
}

# req(METHOD, PATH, headers => {...}, body => '...', url => FULL)
# returns HTTP::Tiny's response with {id} added.
sub req {
    my ($method, $path, %o) = @_;
    my $id = "t$$-" . ++$seq;
    my %h = (%{ $o{headers} // {} }, 'X-Test-Id' => $id);
    my $r = $ua->request($method, $o{url} // url($path),
        { headers => \%h, defined $o{body} ? (content => $o{body}) : () });
    $r->{id} = $id;
    return $r;
}

sub req_backend {
    my ($method, $path, %o) = @_;
    return req($method, $path, %o, url => backend_url($path));
}

# Offsets of the three logs, to read only what comes after.
sub mark {
    my %m;
    for my $f (qw(msstrict_audit.log error_log msstrict_access.log)) {
        $m{$f} = -s t_logs() . "/$f" // 0;
    }
    return \%m;
}

sub tail_from {
    my ($file, $off) = @_;
    my $s = slurp(t_logs() . "/$file") // '';
    return length($s) > $off ? substr($s, $off) : '';
}

# The audit records written since MARK (decoded JSON), and the raw lines.
sub audit_since {
    my ($m) = @_;
    my @lines = split /\n/, tail_from('msstrict_audit.log',
        $m->{'msstrict_audit.log'});
    my @recs;
    for my $l (@lines) {
        my $rec = eval { JSON::PP->new->utf8->decode($l) };
        push @recs, $rec // { _invalid => $l };
    }
    return @recs;
}

sub errlog_since {
    my ($m) = @_;
    return split /\n/, tail_from('error_log', $m->{error_log});
}

# The access-log line of request ID: "ID METHOD STATUS RESULT [RULES] COUNT".
# httpd writes it after the response, so wait for it a little.
sub access_line {
    my ($m, $id) = @_;
    for (1 .. 50) {
        for my $l (split /\n/, tail_from('msstrict_access.log',
                $m->{'msstrict_access.log'})) {
            return $l if index($l, "$id ") == 0;
        }
        sleep 0.1;
    }
    return undef;
}

# The sorted, distinct rule ids of some audit records.
sub rules_of {
    my %ids;
    for my $rec (@_) {
        $ids{ $_->{rule} }++ for @{ $rec->{violations} // [] };
    }
    return join ',', sort keys %ids;
}

# A canned body as the back-end serves it, with @BASE@ filled in.
sub canned_body {
    my ($name, $base) = @_;
    my $b = slurp(Apache::Test::vars('serverroot') . "/backend/bodies/$name.xml");
    $b =~ s/\@BASE\@/$base/g;
    return $b;
}

1;
