#!/bin/sh
# scripts/deps.sh - install what smtptrace needs to build, test and demo
# (Debian 12).  Idempotent: when every tool the build and the tests use
# works (probed directly, so also on other systems and as non-root) it does
# nothing; otherwise it installs the Debian packages that are missing
# (apt-get update once, only then), and fails only when something is
# missing and it cannot install (not root, or no apt).  Starts and enables no service: postfix
# is preseeded to "No configuration", dumpcap is not made setuid.
#   -q   quiet: print only what is installed and errors
set -eu

quiet=0
[ "${1:-}" = "-q" ] && quiet=1
say() { [ $quiet = 1 ] || echo "deps: $*"; }

# Each test tool with what it needs at run time and Debian only recommends
# (installed with --no-install-recommends, so listed here): swaks needs
# Net::SSLeay/IO::Socket::SSL for TLS, IO::Socket::INET6 for IPv6,
# Authen::SASL for some AUTH mechanisms; msmtp and curl verify against
# ca-certificates; Chromium and rsvg-convert render text only with a font
# installed (chromium-headless-shell merely recommends one): fonts-dejavu-core,
# the SVG's first font family.
PKGS="build-essential pkg-config libpcap-dev libssl-dev libmagic-dev
iproute2 ethtool python3 python3-aiosmtpd postfix tshark swaks
libnet-ssleay-perl libio-socket-ssl-perl libio-socket-inet6-perl
libauthen-sasl-perl libnet-dns-perl msmtp curl ca-certificates clang
cppcheck clang-tidy dnsmasq-base openssl procps bsdutils librsvg2-bin
chromium-headless-shell fonts-dejavu-core"

# What the build and the tests call, probed directly: on a machine where
# all of it works (installed by any means, Debian or not, root or not) there
# is nothing to do.  "NAME:COMMAND" pairs, COMMAND run by sh.
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
PROBES='cc:have cc
make:have make
pkg-config:have pkg-config
libpcap:pkg-config --exists libpcap || [ -f /usr/include/pcap/pcap.h ]
openssl-dev:pkg-config --exists libssl libcrypto
libmagic:pkg-config --exists libmagic || [ -f /usr/include/magic.h ]
ip:have ip
ss:have ss
ethtool:have ethtool
python3:[ -x /usr/bin/python3 ]
aiosmtpd:/usr/bin/python3 -c "import aiosmtpd"
postfix:have postfix
tshark:have tshark
dumpcap:have dumpcap
editcap:have editcap
swaks:have swaks
swaks-perl-modules:perl -MNet::SSLeay -MIO::Socket::SSL -MIO::Socket::INET6 -MAuthen::SASL -MNet::DNS -e 1
msmtp:have msmtp
curl:have curl
ca-certificates:[ -d /etc/ssl/certs ]
clang:have clang
cppcheck:have cppcheck
clang-tidy:have clang-tidy
dnsmasq:have dnsmasq
openssl:have openssl
pgrep:have pgrep
script:have script
timeout:have timeout
rsvg-convert:have rsvg-convert
chromium-headless-shell:have chromium-headless-shell
fonts-dejavu:[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]'
absent=
nl='
'
IFS_=$IFS; IFS=$nl
for pr in $PROBES; do
	IFS=$IFS_
	if ! sh -c "have() { command -v \"\$1\" >/dev/null 2>&1 || [ -x \"/usr/sbin/\$1\" ] || [ -x \"/sbin/\$1\" ]; }; ${pr#*:}" >/dev/null 2>&1; then
		absent="$absent ${pr%%:*}"
	fi
	IFS=$nl
done
IFS=$IFS_
if [ -z "$absent" ]; then
	say "all tools present"
	exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing:$absent" >&2
	echo "deps: this script installs only on Debian (apt); install them with your package manager" >&2
	exit 1
fi

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: missing:$absent, although every package is installed (check PATH)" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$absent (packages:$missing) - run as root (or: sudo sh scripts/deps.sh)" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
printf '%s\n' \
	'postfix postfix/main_mailer_type select No configuration' \
	'wireshark-common wireshark-common/install-setuid boolean false' |
	debconf-set-selections

# postfix's maintainer script must not start anything: a policy-rc.d that
# refuses every service start for the duration of the install (removed
# afterwards unless it was there before).
prc=/usr/sbin/policy-rc.d
made_prc=0
if [ ! -e $prc ]; then
	printf '#!/bin/sh\nexit 101\n' > $prc
	chmod 755 $prc
	made_prc=1
fi
cleanup() { [ $made_prc = 1 ] && rm -f $prc; return 0; }
trap cleanup EXIT INT TERM

q=
[ $quiet = 1 ] && q=-qq
apt-get $q update
# shellcheck disable=SC2086
apt-get $q install -y --no-install-recommends $missing </dev/null

# Nothing of the system postfix may run (only private instances in lab
# namespaces, see scripts/lab.sh).
if [ -f /var/spool/postfix/pid/master.pid ] &&
   kill -0 "$(tr -dc 0-9 < /var/spool/postfix/pid/master.pid)" 2>/dev/null; then
	echo "deps: warning: the system postfix master is running (it was not started by this script)" >&2
fi
say "done"
