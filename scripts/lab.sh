# scripts/lab.sh - the smtptrace network-namespace lab (bash; source it).
#
#   . scripts/lab.sh
#   trap lab_down EXIT INT TERM
#   lab_up                       # client <-> router <-> server namespaces
#   lab_sink_start sink1         # aiosmtpd on 198.51.100.25:25, mail in $LAB_SINK_DIR
#   lab_c ./smtptrace send --server "$LAB_SERVER_IP" ...
#
#        client ns                 router ns                  server ns
#   veth0 192.0.2.10/24  ---  veth-c 192.0.2.1/24
#         2001:db8:1::10/64      2001:db8:1::1/64
#                                veth-s 198.51.100.1/24  ---  veth0 198.51.100.25/24
#                                       2001:db8:2::1/64            2001:db8:2::25/64
#
# Only addresses from 192.0.2.0/24, 198.51.100.0/24 and 2001:db8::/32 are used;
# nothing is routed out of the lab (the router has no route beyond it).
#
# Environment read: LAB_OFFLOAD=off (default: tso/gso/gro off on every veth)
# or on (left as the kernel sets them); LAB_KEEP=1 keeps $LAB_DIR at lab_down.
#
# Set by lab_up: LAB_NS_CLIENT LAB_NS_ROUTER LAB_NS_SERVER (namespace names,
# prefix st-$$-), LAB_CLIENT_IF LAB_SERVER_IF (veth0 in both), LAB_CLIENT_IP
# LAB_ROUTER_IP_C LAB_ROUTER_IP_S LAB_SERVER_IP and *_IP6, LAB_DIR (a
# temporary directory removed by lab_down).
#
# Server runners (all inside the server namespace; lab_down stops them):
#   lab_sink_start NAME [sink.py options]   aiosmtpd sink; sets LAB_SINK_DIR
#       (messages are $LAB_SINK_DIR/msg-N.eml, envelopes msg-N.env)
#   lab_postfix_start [--port P] [--tls]    postfix with a private config
#       dir; sets LAB_PF_DIR, LAB_PF_MAIL (maildirs, one per lab user:
#       $LAB_PF_MAIL/ta/new/*), LAB_PF_LOG
#   lab_smtpsink_start PORT [NAME]          postfix's smtp-sink
#   lab_capture_start NS IFACE FILE         dumpcap; lab_capture_stop FILE
# Helpers: lab_c/lab_r/lab_s CMD... run CMD in the client/router/server ns;
#   lab_wait_port NS PORT [SECS]; lab_wait_file FILE [SECS];
#   lab_wait_glob 'PATTERN' [COUNT] [SECS].

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_TOP=$(cd "$LAB_LIB_DIR/.." && pwd)
LAB_PY=${LAB_PY:-/usr/bin/python3}   # Debian's python: has python3-aiosmtpd

LAB_CLIENT_IP=192.0.2.10
LAB_ROUTER_IP_C=192.0.2.1
LAB_ROUTER_IP_S=198.51.100.1
LAB_SERVER_IP=198.51.100.25
LAB_CLIENT_IP6=2001:db8:1::10
LAB_ROUTER_IP6_C=2001:db8:1::1
LAB_ROUTER_IP6_S=2001:db8:2::1
LAB_SERVER_IP6=2001:db8:2::25
LAB_CLIENT_IF=veth0
LAB_SERVER_IF=veth0

LAB_UP=0
LAB_PIDS=()          # background processes we started (pids)
LAB_PF_DIRS=()       # postfix config dirs to stop
LAB_CAP_PIDS=()      # "file:pid" of running dumpcaps

lab_log() { [ -n "${LAB_QUIET:-}" ] || echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; return 1; }

lab_c() { ip netns exec "$LAB_NS_CLIENT" "$@"; }
lab_r() { ip netns exec "$LAB_NS_ROUTER" "$@"; }
lab_s() { ip netns exec "$LAB_NS_SERVER" "$@"; }

# lab_wait_file FILE [SECS]: wait until FILE exists.
lab_wait_file() {
	local f=$1 t=${2:-10} i=0
	while [ ! -e "$f" ]; do
		i=$((i + 1)); [ $i -gt $((t * 20)) ] && return 1
		sleep 0.05
	done
}

# lab_wait_glob 'PATTERN' [COUNT] [SECS]: wait until COUNT files match.
lab_wait_glob() {
	local pat=$1 n=${2:-1} t=${3:-10} i=0 m
	while :; do
		m=$(compgen -G "$pat" | wc -l)
		[ "$m" -ge "$n" ] && return 0
		i=$((i + 1)); [ $i -gt $((t * 20)) ] && return 1
		sleep 0.05
	done
}

# lab_wait_port NS PORT [SECS]: wait until something listens on TCP PORT in NS.
lab_wait_port() {
	local ns=$1 port=$2 t=${3:-15} i=0
	while ! ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; do
		i=$((i + 1)); [ $i -gt $((t * 20)) ] && return 1
		sleep 0.05
	done
}

lab_up() {
	[ "$LAB_UP" = 1 ] && return 0
	local p=st-$$-
	LAB_NS_CLIENT=${p}client LAB_NS_ROUTER=${p}router LAB_NS_SERVER=${p}server
	LAB_DIR=$(mktemp -d /tmp/smtptrace-lab.XXXXXX) || return 1
	chmod 755 "$LAB_DIR"
	LAB_UP=1
	local ns
	for ns in "$LAB_NS_CLIENT" "$LAB_NS_ROUTER" "$LAB_NS_SERVER"; do
		ip netns add "$ns" || { lab_die "ip netns add $ns failed"; return 1; }
		ip -n "$ns" link set lo up
	done
	# Create each pair directly in its namespaces, so the names never clash
	# with the host or with another lab running at the same time.
	ip link add veth0 netns "$LAB_NS_CLIENT" type veth peer name veth-c netns "$LAB_NS_ROUTER" || return 1
	ip link add veth-s netns "$LAB_NS_ROUTER" type veth peer name veth0 netns "$LAB_NS_SERVER" || return 1

	ip -n "$LAB_NS_CLIENT" addr add $LAB_CLIENT_IP/24 dev veth0
	ip -n "$LAB_NS_CLIENT" -6 addr add $LAB_CLIENT_IP6/64 dev veth0 nodad
	ip -n "$LAB_NS_ROUTER" addr add $LAB_ROUTER_IP_C/24 dev veth-c
	ip -n "$LAB_NS_ROUTER" -6 addr add $LAB_ROUTER_IP6_C/64 dev veth-c nodad
	ip -n "$LAB_NS_ROUTER" addr add $LAB_ROUTER_IP_S/24 dev veth-s
	ip -n "$LAB_NS_ROUTER" -6 addr add $LAB_ROUTER_IP6_S/64 dev veth-s nodad
	ip -n "$LAB_NS_SERVER" addr add $LAB_SERVER_IP/24 dev veth0
	ip -n "$LAB_NS_SERVER" -6 addr add $LAB_SERVER_IP6/64 dev veth0 nodad

	lab_r sysctl -qw net.ipv4.ip_forward=1
	lab_r sysctl -qw net.ipv6.conf.all.forwarding=1

	local pair
	for pair in "$LAB_NS_CLIENT:veth0" "$LAB_NS_ROUTER:veth-c" "$LAB_NS_ROUTER:veth-s" "$LAB_NS_SERVER:veth0"; do
		ns=${pair%%:*}
		ip -n "$ns" link set "${pair#*:}" up
		if [ "${LAB_OFFLOAD:-off}" = off ]; then
			ip netns exec "$ns" ethtool -K "${pair#*:}" tso off gso off gro off >/dev/null 2>&1 ||
				lab_log "warning: ethtool -K ${pair#*:} failed in $ns"
		fi
	done
	ip -n "$LAB_NS_CLIENT" route add default via $LAB_ROUTER_IP_C
	ip -n "$LAB_NS_CLIENT" -6 route add default via $LAB_ROUTER_IP6_C
	ip -n "$LAB_NS_SERVER" route add default via $LAB_ROUTER_IP_S
	ip -n "$LAB_NS_SERVER" -6 route add default via $LAB_ROUTER_IP6_S
	# Wait for the links (and IPv6 link-local addresses) to settle.
	local i=0
	while ip -n "$LAB_NS_CLIENT" -6 addr show dev veth0 | grep -q tentative ||
	      ip -n "$LAB_NS_SERVER" -6 addr show dev veth0 | grep -q tentative; do
		i=$((i + 1)); [ $i -gt 60 ] && break; sleep 0.05
	done
	lab_log "up: $LAB_NS_CLIENT ($LAB_CLIENT_IP) -> $LAB_NS_ROUTER -> $LAB_NS_SERVER ($LAB_SERVER_IP), offload ${LAB_OFFLOAD:-off}"
}

lab_down() {
	local rc=$?
	[ "$LAB_UP" = 1 ] || return $rc
	LAB_UP=0
	trap - INT TERM
	local d e pid
	for e in "${LAB_CAP_PIDS[@]}"; do
		pid=${e##*:}
		kill -INT "$pid" 2>/dev/null
	done
	for d in "${LAB_PF_DIRS[@]}"; do
		postfix -c "$d" stop >/dev/null 2>&1
	done
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	# Give them up to 3 s to exit, then kill whatever we started that is
	# still alive inside our namespaces (postfix children, a stuck client),
	# by pid, namespace by namespace.
	local i=0 left
	while [ $i -lt 60 ]; do
		left=$(for d in "$LAB_NS_CLIENT" "$LAB_NS_ROUTER" "$LAB_NS_SERVER"; do ip netns pids "$d" 2>/dev/null; done)
		[ -z "$left" ] && break
		i=$((i + 1)); sleep 0.05
	done
	for pid in $left; do
		kill -KILL "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}" "${LAB_CAP_PIDS[@]##*:}"; do
		wait "$pid" 2>/dev/null
	done
	for d in "$LAB_NS_CLIENT" "$LAB_NS_ROUTER" "$LAB_NS_SERVER"; do
		ip netns del "$d" 2>/dev/null
	done
	LAB_PIDS=() LAB_PF_DIRS=() LAB_CAP_PIDS=()
	if [ -n "${LAB_KEEP:-}" ]; then
		lab_log "kept $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
	lab_log "down"
	return $rc
}

# lab_sink_start NAME [sink.py options...]: aiosmtpd in the server namespace
# on $LAB_SERVER_IP port 25 unless --host/--port are given.  Sets LAB_SINK_DIR.
lab_sink_start() {
	local name=$1; shift
	local dir=$LAB_DIR/$name
	mkdir -p "$dir"
	LAB_SINK_DIR=$dir/mail
	"$LAB_PY" -c 'import aiosmtpd' 2>/dev/null || { lab_die "$LAB_PY has no aiosmtpd (apt-get install python3-aiosmtpd)"; return 1; }
	ip netns exec "$LAB_NS_SERVER" "$LAB_PY" "$LAB_TOP/tests/lib/sink.py" --dir "$LAB_SINK_DIR" \
		--host "$LAB_SERVER_IP" --ready "$dir/ready" "$@" 2>"$dir/log" &
	LAB_PIDS+=($!)
	lab_wait_file "$dir/ready" 15 || { cat "$dir/log" >&2; lab_die "sink $name did not start"; return 1; }
}

# lab_smtpsink_start PORT [NAME]: postfix's smtp-sink on $LAB_SERVER_IP:PORT.
lab_smtpsink_start() {
	local port=$1 name=${2:-smtpsink}
	mkdir -p "$LAB_DIR/$name"
	# -c: count; -L: LMTP off by default; -u: run as (smtp-sink drops root)
	ip netns exec "$LAB_NS_SERVER" /usr/sbin/smtp-sink -u nobody -h mx.lab.test \
		"$LAB_SERVER_IP:$port" 64 >"$LAB_DIR/$name/log" 2>&1 &
	LAB_PIDS+=($!)
	lab_wait_port "$LAB_NS_SERVER" "$port" || { lab_die "smtp-sink did not start"; return 1; }
}

# lab_postfix_start [--port P] [--tls] [--name NAME]: postfix with a private
# config directory, listening on $LAB_SERVER_IP and $LAB_SERVER_IP6.
# Mail for anything@lab.test is delivered by virtual(8) to the maildir
# $LAB_PF_MAIL/<local part>/ for ta student alice bob carol dave test
# postmaster, $LAB_PF_MAIL/catchall/ for the rest; RCPT nobody*@... is rejected with 550 5.1.1.
lab_postfix_start() {
	local port=25 tls=0 name=postfix
	while [ $# -gt 0 ]; do
		case $1 in
		--port) port=$2; shift ;;
		--tls) tls=1 ;;
		--name) name=$2; shift ;;
		*) lab_die "lab_postfix_start: unknown option $1"; return 1 ;;
		esac
		shift
	done
	local d=$LAB_DIR/$name
	LAB_PF_DIR=$d/conf LAB_PF_MAIL=$d/mail LAB_PF_LOG=$d/maillog
	mkdir -p "$d/conf" "$d/queue" "$d/data" "$d/mail"
	chmod 755 "$d" "$d/conf"
	chown postfix:postfix "$d/data"
	chown nobody:nogroup "$d/mail"
	: > "$LAB_PF_LOG"; chmod 644 "$LAB_PF_LOG"
	local nuid ngid
	nuid=$(id -u nobody) ngid=$(getent group nogroup | cut -d: -f3)
	# virtual(8) refuses regexp substitution, so: a maildir per known lab
	# user, and everyone else @lab.test into catchall/.
	local u
	for u in ta student alice bob carol dave test postmaster; do
		printf '%s@lab.test\t%s/\n' "$u" "$u"
	done > "$d/conf/vmailbox"
	printf '@lab.test\tcatchall/\n' >> "$d/conf/vmailbox"
	cat > "$d/conf/rcpt_access" <<-'EOF'
	/^nobody[^@]*@/	550 5.1.1 user unknown
	EOF
	cat > "$d/conf/main.cf" <<-EOF
	# smtptrace lab postfix (generated by scripts/lab.sh; private instance)
	compatibility_level = 3.6
	config_directory = $d/conf
	queue_directory = $d/queue
	data_directory = $d/data
	maillog_file_prefixes = $d
	maillog_file = $LAB_PF_LOG
	myhostname = mx.lab.test
	mydomain = lab.test
	myorigin = lab.test
	mydestination = lab.test, mx.lab.test
	inet_interfaces = $LAB_SERVER_IP, [$LAB_SERVER_IP6]
	inet_protocols = all
	mynetworks = 127.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24, [::1]/128, [2001:db8::]/32
	smtpd_banner = \$myhostname ESMTP Postfix (smtptrace lab)
	biff = no
	# no DNS, nothing leaves the lab
	disable_dns_lookups = yes
	smtp_dns_support_level = disabled
	lmtp_dns_support_level = disabled
	smtp_host_lookup = native
	smtpd_peername_lookup = no
	default_transport = error:no delivery outside the lab
	relay_transport = error:no relaying in the lab
	# local domain delivered by virtual(8) into maildirs under $d/mail
	local_transport = virtual
	alias_maps =
	alias_database =
	local_recipient_maps =
	virtual_mailbox_base = $d/mail
	virtual_mailbox_maps = texthash:$d/conf/vmailbox
	virtual_uid_maps = static:$nuid
	virtual_gid_maps = static:$ngid
	virtual_mailbox_limit = 0
	message_size_limit = 104857600
	smtpd_recipient_restrictions = check_recipient_access regexp:$d/conf/rcpt_access, permit_mynetworks, reject_unauth_destination
	smtputf8_enable = no
	EOF
	if [ $tls = 1 ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.lab.test" \
			-keyout "$d/conf/key.pem" -out "$d/conf/cert.pem" >/dev/null 2>&1 ||
			{ lab_die "openssl req failed"; return 1; }
		chmod 600 "$d/conf/key.pem"
		cat >> "$d/conf/main.cf" <<-EOF
		smtpd_tls_security_level = may
		smtpd_tls_cert_file = $d/conf/cert.pem
		smtpd_tls_key_file = $d/conf/key.pem
		smtpd_tls_loglevel = 1
		EOF
	fi
	cat > "$d/conf/master.cf" <<-EOF
	# service type  private unpriv  chroot  wakeup  maxproc command
	$port      inet  n       -       n       -       -       smtpd
	pickup    unix  n       -       n       60      1       pickup
	cleanup   unix  n       -       n       -       0       cleanup
	qmgr      unix  n       -       n       300     1       qmgr
	tlsmgr    unix  -       -       n       1000?   1       tlsmgr
	rewrite   unix  -       -       n       -       -       trivial-rewrite
	bounce    unix  -       -       n       -       0       bounce
	defer     unix  -       -       n       -       0       bounce
	trace     unix  -       -       n       -       0       bounce
	verify    unix  -       -       n       -       1       verify
	flush     unix  n       -       n       1000?   0       flush
	proxymap  unix  -       -       n       -       -       proxymap
	proxywrite unix -       -       n       -       1       proxymap
	smtp      unix  -       -       n       -       -       smtp
	relay     unix  -       -       n       -       -       smtp
	showq     unix  n       -       n       -       -       showq
	error     unix  -       -       n       -       -       error
	retry     unix  -       -       n       -       -       error
	discard   unix  -       -       n       -       -       discard
	local     unix  -       n       n       -       -       local
	virtual   unix  -       n       n       -       -       virtual
	lmtp      unix  -       -       n       -       -       lmtp
	anvil     unix  -       -       n       -       1       anvil
	scache    unix  -       -       n       -       1       scache
	postlog   unix-dgram n  -       n       -       1       postlogd
	EOF
	LAB_PF_DIRS+=("$d/conf")
	# postfix reports fatal errors on stderr only when it is a terminal
	# (otherwise to syslog): on failure, say why through script(1).
	if ! ip netns exec "$LAB_NS_SERVER" postfix -c "$d/conf" start >"$d/start.log" 2>&1; then
		ip netns exec "$LAB_NS_SERVER" script -qec "postfix -c '$d/conf' check" /dev/null >&2
		cat "$d/start.log" "$LAB_PF_LOG" >&2; lab_die "postfix start failed"; return 1
	fi
	lab_wait_port "$LAB_NS_SERVER" "$port" 20 ||
		{ cat "$d/start.log" "$LAB_PF_LOG" >&2; lab_die "postfix is not listening on $port"; return 1; }
}

# lab_postfix_wait_mail USER [COUNT] [SECS]: wait for COUNT messages in
# USER's maildir (postfix delivers asynchronously after the 250).
lab_postfix_wait_mail() {
	lab_wait_glob "$LAB_PF_MAIL/$1/new/*" "${2:-1}" "${3:-20}"
}

# lab_capture_start NS IFACE FILE [FILTER]: dumpcap (pcapng) in NS; returns
# once dumpcap is capturing.
lab_capture_start() {
	local ns=$1 ifc=$2 file=$3 filter=${4:-}
	local args=(-q -i "$ifc" -w "$file")
	[ -n "$filter" ] && args+=(-f "$filter")
	ip netns exec "$ns" dumpcap "${args[@]}" 2>"$file.log" &
	local pid=$!
	LAB_CAP_PIDS+=("$file:$pid")
	local i=0
	until grep -q "Capturing on" "$file.log" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$file.log" >&2; lab_die "dumpcap did not start"; return 1
		fi
		sleep 0.05
	done
	sleep 0.3   # "Capturing on" comes a moment before the first frame is safe
}

# lab_capture_stop FILE: stop the dumpcap writing FILE and wait for it.
lab_capture_stop() {
	local file=$1 e keep=() pid=
	for e in "${LAB_CAP_PIDS[@]}"; do
		if [ "${e%:*}" = "$file" ]; then pid=${e##*:}; else keep+=("$e"); fi
	done
	LAB_CAP_PIDS=("${keep[@]}")
	[ -n "$pid" ] || return 1
	sleep 0.2   # let the last frames reach the ring
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# lab_dns_start [dnsmasq options...]: dnsmasq (dnsmasq-base) in the server
# namespace answering on $LAB_SERVER_IP port 53 from the records given
# (--mx-host=..., --host-record=..., --dns-rr=...) and nothing else: no
# upstream (--no-resolv), no /etc/hosts, no config file.  The client
# namespace's resolver is pointed at it through /etc/netns/NS/resolv.conf
# (which `ip netns exec` bind-mounts over /etc/resolv.conf): call
# lab_dns_down before lab_down (trap 'lab_dns_down; lab_down' EXIT) to
# remove it.  Sets LAB_DNS_LOG (the query log).
lab_dns_start() {
	local d=$LAB_DIR/dns
	mkdir -p "$d"
	LAB_DNS_LOG=$d/queries.log
	command -v dnsmasq >/dev/null || { lab_die "no dnsmasq (apt-get install dnsmasq-base)"; return 1; }
	ip netns exec "$LAB_NS_SERVER" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --no-poll --bind-interfaces --listen-address="$LAB_SERVER_IP" \
		--except-interface=lo --port=53 --pid-file= --user=nobody --group=nogroup \
		--log-queries --log-facility="$LAB_DNS_LOG" "$@" 2>"$d/stderr" &
	LAB_PIDS+=($!)
	LAB_DNS_NS=$LAB_NS_CLIENT
	mkdir -p "/etc/netns/$LAB_DNS_NS"
	printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$LAB_SERVER_IP" > "/etc/netns/$LAB_DNS_NS/resolv.conf"
	local i=0
	while ! ip netns exec "$LAB_NS_SERVER" ss -Hlun "sport = :53" 2>/dev/null | grep -q .; do
		i=$((i + 1))
		[ $i -gt 200 ] && { cat "$d/stderr" >&2; lab_die "dnsmasq did not start"; return 1; }
		sleep 0.05
	done
}

# lab_dns_down: remove the client namespace's resolv.conf (dnsmasq itself
# is stopped by lab_down).  Keeps $? for lab_down.
lab_dns_down() {
	local rc=$?
	if [ -n "${LAB_DNS_NS:-}" ]; then
		rm -f "/etc/netns/$LAB_DNS_NS/resolv.conf"
		rmdir "/etc/netns/$LAB_DNS_NS" 2>/dev/null
		LAB_DNS_NS=
	fi
	return $rc
}
