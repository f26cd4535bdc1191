package MssHostile;
# MssHostile: the hostile-input matrix (issue 6), shared by the CLI test
# (t/hostile/cli.pl) and the httpd test (t/08-hostile.t, through the canned
# back-end, which serves them as /canned/gen-NAME).
#
# case(NAME, %arg) returns { body => BYTES, ct => Content-Type, method,
# depth, outcome => expected result, rules => [ids that must be reported],
# why => what the case is about }.  Every body is generated here, by us.
# %arg: port (the loopback listener an external entity points at), file
# (the local file an entity points at), base (the request path).
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(case names);

my $MS  = '<D:multistatus xmlns:D="DAV:">';
my $XML = qq{<?xml version="1.0" encoding="utf-8"?>\n};
my $CT  = 'application/xml; charset="utf-8"';

sub resp {
    my ($href, $inner) = @_;
    $inner //= '<D:propstat><D:prop><D:displayname>x</D:displayname></D:prop>'
        . '<D:status>HTTP/1.1 200 OK</D:status></D:propstat>';
    return "<D:response><D:href>$href</D:href>$inner</D:response>";
}

sub ok_body {    # a clean Depth: 0 answer for BASE
    my ($base) = @_;
    return $XML . $MS . resp($base) . '</D:multistatus>';
}

sub utf16 {
    my ($s, $enc, $bom) = @_;
    require Encode;
    my $b = Encode::encode($enc, $s);
    return $bom ? ($enc eq 'UTF-16LE' ? "\xff\xfe" : "\xfe\xff") . $b : $b;
}

my %cases = (
    # ---- entities: never fetched, never expanded ----------------------------
    'xxe-http' => sub {
        my (%a) = @_;
        { body => qq{<?xml version="1.0"?>\n<!DOCTYPE D:multistatus [\n}
            . qq{<!ENTITY x SYSTEM "http://127.0.0.1:$a{port}/x">]>\n}
            . $MS . resp("$a{base}&x;") . '</D:multistatus>',
          outcome => 'malformed', rules => ['XML-NO-DTD'],
          why => 'external entity on a loopback listener' };
    },
    'xxe-file' => sub {
        my (%a) = @_;
        { body => qq{<?xml version="1.0"?>\n<!DOCTYPE D:multistatus [\n}
            . qq{<!ENTITY x SYSTEM "file://$a{file}">]>\n}
            . $MS . resp($a{base}, '<D:status>HTTP/1.1 200 OK</D:status>'
                . '<D:responsedescription>&x;</D:responsedescription>')
            . '</D:multistatus>',
          outcome => 'malformed', rules => ['XML-NO-DTD'],
          why => 'external entity on a local file' };
    },
    'billion-laughs' => sub {
        my (%a) = @_;
        my $d = qq{<!ENTITY lol "lol">\n};
        $d .= qq{<!ENTITY lol$_ "} . ("&lol" . ($_ > 1 ? $_ - 1 : '') . ";") x 10 . qq{">\n}
            for 1 .. 9;
        { body => qq{<?xml version="1.0"?>\n<!DOCTYPE D:multistatus [\n$d]>\n}
            . $MS . resp($a{base}, '<D:status>HTTP/1.1 200 OK</D:status>'
                . '<D:responsedescription>&lol9;</D:responsedescription>')
            . '</D:multistatus>',
          outcome => 'malformed', rules => ['XML-NO-DTD'],
          why => 'billion laughs (nested internal entities)' };
    },
    'param-entity' => sub {
        my (%a) = @_;
        { body => qq{<?xml version="1.0"?>\n<!DOCTYPE D:multistatus [\n}
            . qq{<!ENTITY % p SYSTEM "http://127.0.0.1:$a{port}/p">\n%p;\n]>\n}
            . ok_body($a{base}) =~ s/^<\?xml[^>]*>\n//r,
          outcome => 'malformed', rules => ['XML-NO-DTD'],
          why => 'external parameter entity' };
    },
    'internal-subset' => sub {
        my (%a) = @_;
        { body => qq{<?xml version="1.0"?>\n<!DOCTYPE D:multistatus [\n}
            . qq{<!ELEMENT D:multistatus ANY>\n<!-- a comment -->\n]>\n}
            . ok_body($a{base}) =~ s/^<\?xml[^>]*>\n//r,
          outcome => 'violations', rules => ['XML-NO-DTD'],
          why => 'DOCTYPE with an internal subset (no entity)' };
    },
    # ---- size ---------------------------------------------------------------
    'deep-100k' => sub {
        my (%a) = @_;
        my $n = 100_000;
        { body => $XML . $MS . "<D:response><D:href>$a{base}</D:href>"
            . '<D:propstat><D:prop><Z:x xmlns:Z="urn:x-z">'
            . ('<Z:x>' x $n) . ('</Z:x>' x $n)
            . '</Z:x></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>'
            . '</D:response></D:multistatus>',
          outcome => 'overflow', rules => ['RW-LIMITS'],
          why => '100,000-deep nesting (depth limit)' };
    },
    'text-50m' => sub {
        my (%a) = @_;
        { body => $XML . $MS . "<D:response><D:href>$a{base}</D:href>"
            . '<D:propstat><D:prop><Z:big xmlns:Z="urn:x-z">'
            . ('a' x (50 * 1024 * 1024))
            . '</Z:big></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>'
            . '</D:response></D:multistatus>',
          outcome => 'overflow', rules => ['RW-LIMITS'],
          why => 'a 50 MB text node (response-size limit)' };
    },
    'attr-1m' => sub {
        my (%a) = @_;
        { body => $XML . $MS . "<D:response><D:href>$a{base}</D:href>"
            . '<D:propstat><D:prop><Z:a xmlns:Z="urn:x-z" v="'
            . ('b' x (1024 * 1024)) . '"/></D:prop>'
            . '<D:status>HTTP/1.1 200 OK</D:status></D:propstat>'
            . '</D:response></D:multistatus>',
          outcome => 'overflow', rules => ['RW-LIMITS'],
          why => 'a 1 MB attribute (response-size limit)' };
    },
    'responses-1m' => sub {
        my (%a) = @_;
        my $b = $XML . $MS;
        $b .= "<D:response><D:href>$a{base}m$_</D:href>"
            . '<D:status>HTTP/1.1 200 OK</D:status></D:response>'
            for 1 .. 1_000_000;
        { body => $b . '</D:multistatus>', method => 'REPORT',
          outcome => 'clean', rules => [],
          why => 'one million responses (digest set stays bounded)' };
    },
    'href-1m' => sub {
        my (%a) = @_;
        { body => $XML . $MS . resp($a{base} . ('h' x 1_000_000))
            . '</D:multistatus>', method => 'REPORT',
          outcome => 'overflow', rules => ['RW-LIMITS'],
          why => 'a one-million-character href (text, then response-size limit)' };
    },
    # ---- encoding -------------------------------------------------------------
    'bad-utf8' => sub {
        my (%a) = @_;
        { body => $XML . $MS . resp($a{base}, '<D:status>HTTP/1.1 200 OK</D:status>'
                . "<D:responsedescription>bad \xc3\x28 byte</D:responsedescription>")
            . '</D:multistatus>',
          outcome => 'malformed', rules => ['XML-WELLFORMED'],
          why => 'invalid UTF-8' };
    },
    'utf16le-bom' => sub {
        my (%a) = @_;
        { body => utf16(qq{<?xml version="1.0" encoding="UTF-16"?>\n}
                . $MS . resp($a{base}) . '</D:multistatus>', 'UTF-16LE', 1),
          ct => 'application/xml', outcome => 'clean', rules => [],
          why => 'UTF-16LE with a BOM' };
    },
    'utf16be-bom' => sub {
        my (%a) = @_;
        { body => utf16(qq{<?xml version="1.0" encoding="UTF-16"?>\n}
                . $MS . resp($a{base}) . '</D:multistatus>', 'UTF-16BE', 1),
          ct => 'application/xml', outcome => 'clean', rules => [],
          why => 'UTF-16BE with a BOM' };
    },
    'utf16le-nobom' => sub {
        my (%a) = @_;
        { body => utf16(qq{<?xml version="1.0" encoding="UTF-16LE"?>\n}
                . $MS . resp($a{base}) . '</D:multistatus>', 'UTF-16LE', 0),
          ct => 'application/xml', outcome => 'clean', rules => [],
          why => 'UTF-16LE without a BOM, declared' };
    },
    'utf16be-nobom' => sub {
        my (%a) = @_;
        { body => utf16(qq{<?xml version="1.0" encoding="UTF-16BE"?>\n}
                . $MS . resp($a{base}) . '</D:multistatus>', 'UTF-16BE', 0),
          ct => 'application/xml', outcome => 'clean', rules => [],
          why => 'UTF-16BE without a BOM, declared' };
    },
    'utf8-bom' => sub {
        my (%a) = @_;
        { body => "\xef\xbb\xbf" . ok_body($a{base}), outcome => 'clean',
          rules => [], why => 'UTF-8 with a BOM' };
    },
    'charset-mismatch' => sub {
        my (%a) = @_;
        { body => ok_body($a{base}), ct => 'application/xml; charset=iso-8859-1',
          outcome => 'violations', rules => ['HDR-CHARSET', 'HDR-ENCODING-UTF'],
          why => 'charset parameter disagrees with the XML declaration' };
    },
    'nul-bytes' => sub {
        my (%a) = @_;
        { body => $XML . $MS . resp($a{base}, '<D:status>HTTP/1.1 200 OK</D:status>'
                . "<D:responsedescription>nul\x00here</D:responsedescription>")
            . '</D:multistatus>',
          outcome => 'malformed', rules => ['XML-WELLFORMED'],
          why => 'NUL bytes' };
    },
    # ---- structure ---------------------------------------------------------------
    'cut-mid-tag' => sub {
        my (%a) = @_;
        { body => substr(ok_body($a{base}), 0, 90), outcome => 'malformed',
          rules => ['XML-WELLFORMED'], why => 'a body cut inside a tag' };
    },
    'cdata-comments-pi' => sub {
        my (%a) = @_;
        { body => qq{<?xml version="1.0" encoding="utf-8"?>\n<!-- c0 --><?pi0 x?>\n}
            . '<D:multistatus xmlns:D="DAV:"><!-- c1 --><?pi1 y?>'
            . '<D:response><!-- c2 --><D:href><![CDATA[' . $a{base}
            . ']]><!-- c3 --><?pi2?></D:href><?pi3?>'
            . '<D:propstat><!-- c4 --><D:prop><D:displayname><![CDATA[<x>&]]>'
            . '<!-- c5 --></D:displayname></D:prop>'
            . '<D:status><!-- c6 -->HTTP/1.1 <![CDATA[200]]> OK<?pi4?></D:status>'
            . '</D:propstat><!-- c7 --></D:response><?pi5?></D:multistatus>'
            . "\n<!-- c8 --><?pi6 z?>\n",
          outcome => 'clean', rules => [],
          why => 'CDATA, comments and PIs in every position' };
    },
    'ns-tricks' => sub {
        my (%a) = @_;
        { body => $XML
            . '<multistatus xmlns="DAV:" xmlns:A="DAV:" xmlns:B="DAV:">'
            . "<A:response xmlns:C=\"DAV:\"><C:href>$a{base}</C:href>"
            . '<B:propstat><prop><Z:p xmlns:Z="urn:x-z" xmlns=""><q/></Z:p>'
            . '<A:displayname xmlns:A="urn:x-rebound"/></prop>'
            . '<A:status xmlns:A="DAV:">HTTP/1.1 200 OK</A:status>'
            . '</B:propstat></A:response></multistatus>',
          outcome => 'clean', rules => [],
          why => 'DAV: on many prefixes, default namespace, xmlns="" reset, '
              . 'a prefix rebound inside a response' };
    },
    'dav-wrong-case' => sub {
        my (%a) = @_;
        { body => $XML . '<D:multistatus xmlns:D="dav:">' . resp($a{base})
            . '</D:multistatus>',
          outcome => 'violations', rules => ['XML-ROOT'],
          why => '"dav:" in the wrong case is another namespace' };
    },
);

sub names { sort keys %cases }

sub case {
    my ($name, %a) = @_;
    my $gen = $cases{$name} or return undef;
    $a{base} //= '/h/';
    $a{port} //= 9;
    $a{file} //= '/etc/passwd';
    my $c = $gen->(%a);
    $c->{ct}     //= $CT;
    $c->{method} //= 'PROPFIND';
    $c->{depth}  //= $c->{method} eq 'PROPFIND' ? '0' : undef;
    $c->{name} = $name;
    return $c;
}

1;
