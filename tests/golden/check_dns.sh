#!/bin/sh
# tests/golden/check_dns.sh - the DNS frames of the crafted DNS captures
# (mkcaps_dns.py) against tshark: for every DNS frame a session shows, the
# query name and type, QR, the rcode and the answer types (the ones we
# keep: A, CNAME, MX, AAAA) must be what tshark's dns dissector says.
# Usage: check_dns.sh path/to/smtptrace.  Skipped without tshark.
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "dns-tshark: skipped (no tshark)"; exit 0; }
tmp=$(mktemp -d /tmp/smtptrace-dns.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for name in dns-mx-fallback dns-hostile; do
	in=$here/caps/$name.pcap
	"$bin" analyze "$in" --json >"$tmp/j" 2>/dev/null || { echo "dns-tshark: $name: analyze failed" >&2; fail=$((fail + 1)); continue; }
	tshark -n -r "$in" -Y dns -T fields -E separator='|' -e frame.number -e dns.qry.name \
		-e dns.qry.type -e dns.flags.response -e dns.flags.rcode -e dns.resp.type >"$tmp/t" 2>/dev/null
	if /usr/bin/python3 - "$tmp/j" "$tmp/t" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ts = {}
for line in open(sys.argv[2]):
    no, qn, qt, qr, rc, rt = line.rstrip("\n").split("|")
    ts[int(no)] = (qn, int(qt), qr in ("1", "True"), int(rc or 0),
                   [int(x) for x in rt.split(",") if x and int(x) in (1, 5, 15, 28)])
seen, bad = 0, 0
codes = {"A": 1, "CNAME": 5, "MX": 15, "AAAA": 28}
for s in doc["sessions"]:
    for f in s["frames"]:
        d = f.get("dns")
        if not d:
            continue
        seen += 1
        q = d["query"]
        ours = (q["name"], q["type_code"], d["response"], d["rcode"],
                [codes[a["type"]] for a in d["answers"]])
        theirs = ts.get(f["no"])
        # a message cut by the snaplen or malformed: tshark lists what it
        # could decode too; compare the prefix we kept
        if theirs is None or ours[:4] != theirs[:4] or theirs[4][:len(ours[4])] != ours[4]:
            print("frame %d: ours %r, tshark %r" % (f["no"], ours, theirs), file=sys.stderr)
            bad += 1
sys.exit(1 if bad or not seen else 0)
PY
	then pass=$((pass + 1)); else echo "dns-tshark: $name disagrees" >&2; fail=$((fail + 1)); fi
done
echo "dns-tshark: $pass passed, $fail failed"
[ $fail -eq 0 ]
