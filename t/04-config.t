# 04-config.t: directives, merge and start-up errors.
#   - nested <Location>s: a child inherits what it leaves unset (mode, rule
#     overrides, limits) and overrides what it sets;
#   - every bad directive value fails "apache2 -t" with a message naming
#     the directive.
use strict;
use warnings FATAL => 'all';
use lib 't/lib';
use Apache::Test qw(-withtestmore);
use Test::More import => ['!plan'];
use File::Temp qw(tempdir);
use MssT qw(req mark audit_since errlog_since access_line rules_of slurp);

my @bad = (
    [ 'DAVMSStrict Sometimes',                    qr/DAVMSStrict: 'Sometimes' is not Off, Log, Rewrite or Reject/ ],
    [ 'DAVMSStrictRule NO-SUCH-RULE log',         qr/DAVMSStrictRule: unknown rule id 'NO-SUCH-RULE'/ ],
    [ 'DAVMSStrictRule MS-HREF-REQUIRED maybe',   qr/DAVMSStrictRule MS-HREF-REQUIRED: 'maybe' is not off, log, fix or reject/ ],
    [ 'DAVMSStrictRule MS-HREF-REQUIRED',         qr/DAVMSStrictRule takes two arguments/ ],
    [ 'DAVMSStrictMaxBuffer lots',                qr/DAVMSStrictMaxBuffer: 'lots' is not a positive byte count/ ],
    [ 'DAVMSStrictMaxBuffer 0',                   qr/DAVMSStrictMaxBuffer: '0' is not a byte count between 1 and 1G/ ],
    [ 'DAVMSStrictMaxBuffer 2G',                  qr/DAVMSStrictMaxBuffer: '2G' is not a byte count/ ],
    [ 'DAVMSStrictLimits depth=0',                qr/DAVMSStrictLimits: depth/ ],
    [ 'DAVMSStrictLimits colour=3',               qr/DAVMSStrictLimits: .*colour/ ],
    [ 'DAVMSStrictPropstatMethods PROP@FIND',     qr/DAVMSStrictPropstatMethods: 'PROP\@FIND' is not a method name/ ],
    [ "<Location /x>\nDAVMSStrictAuditLog /tmp/a.log\n</Location>",
                                                  qr/DAVMSStrictAuditLog not allowed in <Location> context/ ],
    [ 'DAVMSStrictAuditLog "|"',                  qr/DAVMSStrictAuditLog: needs a file name/ ],
    [ 'DAVMSStrictOriginMap 10.0.0.5:8080',       qr/DAVMSStrictOriginMap: '10.0.0.5:8080' is not an origin/ ],
    [ 'DAVMSStrictOriginMap http://be:8080/dav/', qr/DAVMSStrictOriginMap: 'http:\/\/be:8080\/dav\/' is not an origin/ ],
    [ 'DAVMSStrictProxyMap dav/ /files/',         qr/DAVMSStrictProxyMap: 'dav\/' '\/files\/' is not \/BACKEND\/ \/FRONTEND\// ],
    [ 'DAVMSStrictProxyMap /dav/',                qr/DAVMSStrictProxyMap takes two arguments/ ],
);
my @good = (
    "DAVMSStrict Reject\nDAVMSStrict Rewrite\nDAVMSStrict Log\nDAVMSStrictRule ms-href-required OFF\n"
        . "DAVMSStrictPropstatMethods PROPFIND PROPPATCH REPORT SEARCH ACL\n"
        . "DAVMSStrictMaxBuffer 512K\nDAVMSStrictLimits depth=64 text=8K response=2M violations=50\n"
        . "DAVMSStrictOriginMap http://10.0.0.5:8080 https://Backend.Example/\n"
        . "DAVMSStrictProxyMap /dav/ /files/\nDAVMSStrictProxyMap /old/ /new/\n",
);

plan tests => 8 + 2 * @bad + @good;

# ---- merge ---------------------------------------------------------------------
# /merge/:            Log, HDR-CT-XML off, violations=1
# /merge/inner/:      + MS-HREF-REQUIRED off (inherits the rest)
# /merge/inner/off/:  DAVMSStrict Off
# multi.xml breaks HDR-CT-XML, MS-STATUS-1XX and MS-HREF-REQUIRED.
sub run_multi {
    my ($path) = @_;
    my $m = mark();
    my $r = req('PROPFIND', $path, headers => { Depth => '1', 'X-Mss-Base' => $path });
    return ($r, [ audit_since($m) ], [ errlog_since($m) ], access_line($m, $r->{id}));
}
{
    my ($r, $a, $e, $acc) = run_multi('/merge/multi');
    is(rules_of(@$a), 'MS-STATUS-1XX',
        '/merge/: HDR-CT-XML off; violations=1 keeps the first finding only');
    like($acc // '', qr/ 207 violations \[MS-STATUS-1XX\] 2$/,
        '/merge/: msstrict-count counts both findings, msstrict-rules the reported one');
    ok((grep { /MSS00112: .*\(1 over the violations limit\)/ } @$e),
        '/merge/: the summary says one finding was over the limit');
}
{
    my ($r, $a, $e, $acc) = run_multi('/merge/inner/multi');
    is(rules_of(@$a), 'MS-STATUS-1XX',
        '/merge/inner/: inherits Log and HDR-CT-XML off, adds MS-HREF-REQUIRED off');
    like($acc // '', qr/ 207 violations \[MS-STATUS-1XX\] 1$/,
        '/merge/inner/: one finding left');
}
{
    my ($r, $a, $e, $acc) = run_multi('/merge/inner/off/multi');
    is(scalar(@$a), 0, '/merge/inner/off/: DAVMSStrict Off in the child wins');
    like($acc // '', qr/ 207 - \[-\] -$/, '/merge/inner/off/: no notes');
    is($r->{content}, MssT::canned_body('multi', '/merge/inner/off/multi'),
        '/merge/inner/off/: bytes unchanged');
}

# ---- apache2 -t ---------------------------------------------------------------------
my $mods = slurp($ENV{MSS_MODULES_CONF} // die "MSS_MODULES_CONF not set\n");
my $dir = tempdir(CLEANUP => 1);
my $n = 0;
sub configtest {
    my ($extra) = @_;
    my $f = "$dir/t" . ++$n . '.conf';
    open(my $fh, '>', $f) or die "$f: $!";
    print $fh $mods, "ServerName 127.0.0.1\nServerRoot $dir\nErrorLog /dev/null\n",
        "PidFile $dir/pid\nDefaultRuntimeDir $dir\nListen 127.0.0.1:65000\n", $extra, "\n";
    close $fh;
    my $httpd = $ENV{MSS_HTTPD} // "/usr/sbin/apache2";    # a wrapper in the sanitizer runs
    my $out = `$httpd -t -f $f 2>&1`;
    return ($? >> 8, $out);
}
for my $b (@bad) {
    my ($rc, $out) = configtest($b->[0]);
    isnt($rc, 0, "apache2 -t fails for: $b->[0]");
    like($out, $b->[1], "  and names the directive") or diag($out);
}
for my $g (@good) {
    my ($rc, $out) = configtest($g);
    is($rc, 0, 'apache2 -t accepts every directive with good values') or diag($out);
}
