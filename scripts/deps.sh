#!/bin/sh
# scripts/deps.sh - install what smtptrace needs to build, test and demo
# (Debian 12).  Idempotent: installs only the packages that are missing
# (apt-get update once, only then).  Starts and enables no service: postfix
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
# ca-certificates.
PKGS="build-essential pkg-config libpcap-dev libssl-dev libmagic-dev
iproute2 ethtool python3 python3-aiosmtpd postfix tshark swaks
libnet-ssleay-perl libio-socket-ssl-perl libio-socket-inet6-perl
libauthen-sasl-perl libnet-dns-perl msmtp curl ca-certificates clang
cppcheck clang-tidy dnsmasq-base openssl procps bsdutils"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	say "all packages present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing - run as root (or: sudo sh scripts/deps.sh)" >&2
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
