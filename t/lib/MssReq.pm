package MssReq;
# MssReq: a fixture's .req file (t/unit/fixtures.h documents the keys) as
# msstrict command-line arguments.  Used by t/cli/cli.pl and by
# scripts/golden.pl, which writes the golden files of Rewrite fixtures.
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(req_args);

sub req_args {
    my ($xml) = @_;
    (my $req = $xml) =~ s/\.xml$/.req/;
    my @a;
    my $text = '';
    if (open(my $fh, '<', $req)) { local $/; $text = <$fh>; close $fh; }
    for my $line (split /\n/, $text) {
        next if $line =~ /^\s*(#|$)/;
        my ($k, $v) = $line =~ /^\s*([a-z-]+)\s*:\s*(.*?)\s*$/ or next;
        if    ($k eq 'method')           { push @a, '-m', $v }
        elsif ($k eq 'uri')              { push @a, '-u', $v }
        elsif ($k eq 'depth')            { push @a, '-d', $v }
        elsif ($k eq 'scheme')           { push @a, '--scheme', $v }
        elsif ($k eq 'req')              { push @a, '-Q', $v }
        elsif ($k eq 'resp')             { push @a, '-H', $v }
        elsif ($k eq 'propstat-methods') { push @a, '--propstat-methods', $v }
        elsif ($k eq 'rule')             { push @a, '--rule', $v }
        elsif ($k eq 'limits')           { push @a, '--limits', $v }
        elsif ($k eq 'status')           { push @a, '--status', $v }
        elsif ($k eq 'proxy-map')        { push @a, '--map', $v }
        elsif ($k eq 'origin-map')       { push @a, '--origin-map', $v }
        elsif ($k eq 'mode')             { push @a, '--mode', $v }
        else { die "$req: unknown key $k\n" }
    }
    return @a;
}

1;
