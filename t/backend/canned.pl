#!/usr/bin/perl
# canned.pl: the misbehaving DAV back-end of the Apache::Test suite (a CGI).
#
# Whatever the method, it answers "207 Multi-Status" with the canned body
# named by the last segment of PATH_INFO: bodies/NAME.xml, plus the header
# lines of bodies/NAME.hdr when that file exists (they replace the default
# Content-Type: application/xml; charset="utf-8").  The bodies are ours;
# each names the rule it breaks in a comment.  Query options:
#   split=N   put a ^B after every N bytes (mod_bucketeer splits the brigade
#             there and drops the marker)
#   stall=S   send the first half, flush, sleep S seconds, send the rest
#   gz=1      gzip the body and say Content-Encoding: gzip
#   lie=1     announce the body's Content-Length, send half of it
#             (a back-end that dies mid-body)
# NAME gen-CASE serves a case of the hostile-input matrix
# (t/lib/MssHostile.pm; query port=N and file=PATH for the entity cases).
# "@BASE@" in a body becomes the front-end path of the request, which the
# test sends as X-Mss-Base (default /bad/NAME), so that hrefs lie where a
# real server would put them.
# An unknown NAME gets a 404, so a typo never passes as a clean body.
use strict;
use warnings;
use File::Basename qw(dirname);

my $dir  = dirname($0) . '/bodies';
my $name = $ENV{PATH_INFO} // '';
$name =~ s{.*/}{};
my %q = map { my ($k, $v) = split /=/, $_, 2; ($k => $v // '') }
    grep { length } split /&/, $ENV{QUERY_STRING} // '';

binmode STDOUT;
$| = 1;
# read the request body (a PROPFIND's propfind element) before answering:
# httpd feeds it to the script, and a script that exits without reading it
# makes httpd's write fail and the answer with it
{
    local $/;
    binmode STDIN;
    my $in = <STDIN>;
}
my ($body, @hdr);
my $base = $ENV{HTTP_X_MSS_BASE} // "/bad/$name";
$base =~ s/[^\x21-\x7e]//g;    # header text into a body: printable only
if ($name =~ /^gen-([a-z0-9-]+)$/) {
    # the hostile-input matrix (t/lib/MssHostile.pm), generated per request
    my $c = eval {
        require lib;
        lib->import(dirname($0) . '/../lib');
        require MssHostile;
        MssHostile::case($1, base => $base, port => $q{port} // 9,
            file => $q{file} // '/etc/passwd');
    };
    if (!$c) {
        print "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\n",
            "no generated case '$name'\n";
        exit 0;
    }
    $body = $c->{body};
    @hdr = ("Content-Type: $c->{ct}");
}
elsif ($name !~ /^[A-Za-z0-9._-]+$/ || !-f "$dir/$name.xml") {
    print "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\n",
        "no canned body '$name'\n";
    exit 0;
}
else {
    open(my $fh, '<', "$dir/$name.xml") or die "$name.xml: $!";
    binmode $fh;
    $body = do { local $/; <$fh> };
    close $fh;
    $body =~ s/\@BASE\@/$base/g;
    @hdr = ('Content-Type: application/xml; charset="utf-8"');
    if (open(my $h, '<', "$dir/$name.hdr")) {
        @hdr = grep { length } map { s/\r?\n\z//r } <$h>;
        close $h;
    }
}
if ($q{gz}) {
    require IO::Compress::Gzip;
    my $gz;
    # a fixed header (no mtime), so that two fetches give the same bytes
    IO::Compress::Gzip::gzip(\$body => \$gz, Minimal => 1) or die "gzip failed";
    $body = $gz;
    push @hdr, 'Content-Encoding: gzip';
}
if ($q{split} && $q{split} =~ /^\d+$/ && $q{split} > 0) {
    my $n = $q{split};
    $body = join "\x02", unpack("(a$n)*", $body);
}
if ($q{lie}) {
    # a back-end that dies mid-body: it announces the whole body and sends
    # the first half only
    push @hdr, 'Content-Length: ' . length($body);
    $body = substr($body, 0, int(length($body) / 2));
}
# a "Status:" line in NAME.hdr answers with that status instead of 207
my $status = '207 Multi-Status';
@hdr = grep { /^Status:\s*(.+)$/i ? do { $status = $1; 0 } : 1 } @hdr;
print "Status: $status\r\n", map({ "$_\r\n" } @hdr), "\r\n";
exit 0 if ($ENV{REQUEST_METHOD} // '') eq 'HEAD';
if ($q{stall} && $q{stall} =~ /^\d+$/) {
    my $half = int(length($body) / 2);
    print substr($body, 0, $half);
    sleep $q{stall};
    print substr($body, $half);
}
else {
    print $body;
}
