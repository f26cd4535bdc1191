#!/usr/bin/perl
# golden.pl: write the golden files of Rewrite-mode fixtures (their .req
# says "mode: rewrite"): <name>.out (the output body) and <name>.hdr (the
# header changes), plus <name>.expect when it is missing, from what the CLI
# does now.  A written file is a proposal: read the diff against the input
# and check every change against rules.md before committing it.
#   perl scripts/golden.pl build/msstrict t/data/RULE/fix-x.xml ...
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use MssReq qw(req_args);
use IPC::Open3;
use Symbol qw(gensym);

my ($cli, @xml) = @ARGV;
die "usage: golden.pl CLI FIXTURE.xml...\n" unless $cli && @xml;
for my $xml (@xml) {
    my @args = req_args($xml);
    die "$xml: its .req has no 'mode: rewrite'\n"
        unless grep { $_ eq 'rewrite' } @args;
    (my $base = $xml) =~ s/\.xml$//;
    my $err = gensym;
    my $pid = open3(my $in, my $out, $err, $cli, @args, '--json', '-o',
                    "$base.out", $xml);
    close $in;
    my ($o, $e) = do { local $/; (<$out> // '', <$err> // '') };
    waitpid($pid, 0);
    die "$xml: exit " . ($? >> 8) . "\n$e" if ($? >> 8) > 1;
    my $hdr = join('', map { /^msstrict: status (\d+)$/ ? "status $1\n"
                             : /^msstrict: header (set|removed) (.*)$/
                                 ? ($1 eq 'set' ? "set $2\n" : "unset $2\n") : () }
                       split /\n/, $e);
    open(my $h, '>', "$base.hdr") or die "$base.hdr: $!\n";
    print $h $hdr;
    close $h;
    if (!-e "$base.expect") {
        open(my $x, '>', "$base.expect") or die "$base.expect: $!\n";
        for my $l (split /\n/, $o) {
            my ($rule, $resp, $line, $action) =
                $l =~ /"rule":"([^"]+)".*"response":(\d+).*"line":(\d+).*"action":"(\w+)"/
                or next;
            print $x "$rule $resp $line   # $action\n";
        }
        close $x;
    }
    print "$xml: wrote $base.out, $base.hdr\n";
}
