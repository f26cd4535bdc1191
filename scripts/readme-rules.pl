#!/usr/bin/perl
# readme-rules.pl: render the rule table (from `msstrict --list-rules --json`)
# as the Markdown table that README.md carries between
# <!-- rules:begin --> and <!-- rules:end -->.
#   perl scripts/readme-rules.pl build/msstrict            print it
#   perl scripts/readme-rules.pl build/msstrict README.md  rewrite README.md
use strict;
use warnings;
use JSON::PP;

my ($cli, $readme) = @ARGV;
open(my $fh, '-|', $cli, '--list-rules', '--json') or die "$cli: $!\n";
my $t = "| # | Rule | Level | RFC | Default action | Rewrite fixes it | Log level | What it checks |\n"
      . "|---|---|---|---|---|---|---|---|\n";
while (my $line = <$fh>) {
    my $r = decode_json($line);
    $t .= "| $r->{row} | `$r->{rule}` | $r->{level} | $r->{rfc} | "
        . "$r->{default_action} | " . ($r->{rewrites} ? 'yes' : '') . " | "
        . "$r->{log_level} | $r->{summary} |\n";
}
close $fh or die "$cli --list-rules failed\n";
if (!$readme) {
    print $t;
    exit 0;
}
open(my $in, '<', $readme) or die "$readme: $!\n";
my $text = do { local $/; <$in> };
close $in;
$text =~ s/(<!-- rules:begin -->\n).*?(<!-- rules:end -->)/$1$t$2/s
    or die "$readme has no <!-- rules:begin --> ... <!-- rules:end --> block\n";
open(my $out, '>', $readme) or die "$readme: $!\n";
print $out $text;
close $out;
