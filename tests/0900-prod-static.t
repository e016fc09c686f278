#!/bin/sh
# Production files, checked statically: systemd units (verify, security
# rating, hardening, least privilege), the container image and compose
# file, the alert rules, the scripts, and the install script's idempotency.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/share

# --- systemd ---------------------------------------------------------------
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$T/units" "$T/bin"
	for p in arb-feed arb-detect arb-exec arb-store arb-report arb-backup; do
		ln -s /bin/true "$T/bin/$p"
	done
	for f in "$S"/systemd/*@.* ; do
		case "$f" in *.example) continue;; esac
		b=$(basename "$f")
		sed -e "s|/usr/local/bin/|$T/bin/|g" -e "s|/usr/local/share/arbitron/scripts/|$T/bin/|g" "$f" >"$T/units/$b"
		ln -s "$b" "$T/units/$(echo "$b" | sed 's/@\./@demo./')"
	done
	out=$(cd "$T/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./*@demo.* 2>&1)
	is "$out" "" "systemd-analyze verify is clean for every unit"
	for f in "$T"/units/*@demo.service; do
		n=$(basename "$f")
		systemd-analyze security --offline=true --threshold=20 "$f" >"$T/sec.out" 2>&1
		ok $? "$n: systemd-analyze security rates it 2.0 or better ($(tail -n 1 "$T/sec.out" | sed 's/.*: //'))"
	done
else
	ok 1 "systemd-analyze is missing (apt-get install systemd)"
fi
for f in "$S"/systemd/*@.service; do
	n=$(basename "$f")
	miss=""
	for k in Restart=on-failure User=arbitron StateDirectory= NoNewPrivileges=yes \
	    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
	    CapabilityBoundingSet= RestrictAddressFamilies= SystemCallFilter=@system-service \
	    MemoryDenyWriteExecute=yes; do
		grep -q "^$k" "$f" || miss="$miss $k"
	done
	is "$miss" "" "$n: has the hardening set"
done
for f in "$S"/systemd/arbitron-feed@.service "$S"/systemd/arbitron-detect@.service \
    "$S"/systemd/arbitron-exec@.service "$S"/systemd/arbitron-store@.service; do
	n=$(basename "$f")
	grep -q '^Type=notify' "$f" && grep -q '^WatchdogSec=' "$f"
	ok $? "$n: Type=notify with a watchdog"
done
is "$(grep -l '^LoadCredential=' "$S"/systemd/*@.service | wc -l)" 0 \
	"no unit loads credentials by default (paper trading)"
is "$(grep -c '^LoadCredential=' "$S/systemd/live.conf.example")" 4 \
	"the live drop-in gives credentials to arb-exec only"
# every credential arb-exec(1) names for a venue is in the drop-in, with
# the file of the same name
miss=""
for c in $(sed -n 's/^\.It [A-Za-z]* Ta Pa \([a-z_]*\) , \([a-z_]*\)\( , \([a-z_]*\)\)\{0,1\}.*/\1 \2 \4/p' \
    "$top_srcdir/man/arb-exec.1"); do
	grep -q "^#\{0,1\}LoadCredential=$c:/etc/arbitron/credentials/%i/$c\$" "$S/systemd/live.conf.example" ||
	    miss="$miss $c"
done
is "$miss" "" "live.conf.example names every venue's credentials of arb-exec(1)"
# The units that read the store reach a remote PostgreSQL too (INSTALL,
# Managed PostgreSQL): TCP allowed, no private network namespace.
for u in store report backup; do
	f=$S/systemd/arbitron-$u@.service
	grep -q '^RestrictAddressFamilies=.*AF_INET AF_INET6' "$f" && ! grep -q '^PrivateNetwork=yes' "$f" &&
	    ! grep -q '^IPAddressDeny=any' "$f"
	ok $? "arbitron-$u@.service may reach a remote database"
done
# The daily jobs restart 5 minutes after a failure: not after one that
# the next run would repeat, or they would run every 5 minutes all day.
for u in report:2,3 backup:2; do
	st=$(awk -F= '$1 == "RestartPreventExitStatus" { gsub(/ /, ","); print $2 }' \
	    "$S/systemd/arbitron-${u%%:*}@.service")
	is "$st" "${u#*:}" "arbitron-${u%%:*}@.service: no restart after status ${u#*:}"
done
grep -q '^PrivateNetwork=yes' "$S/systemd/arbitron-detect@.service"
ok $? "arb-detect runs with no network"
grep -q '^RestrictAddressFamilies=AF_UNIX$' "$S/systemd/arbitron-detect@.service"
ok $? "arb-detect may open AF_UNIX sockets only"

# --- container -------------------------------------------------------------
D=$S/docker/Dockerfile
C=$S/docker/compose.yaml
last_user=$(grep '^USER ' "$D" | tail -n 1 | awk '{print $2}')
case "$last_user" in root|root:*|0|0:*|"") r=1;; *) r=0;; esac
ok $r "Dockerfile: the final USER is not root ($last_user)"
grep -q '^HEALTHCHECK' "$D"; ok $? "Dockerfile: HEALTHCHECK present"
is "$(grep -c '^FROM ' "$D")" 2 "Dockerfile: multi-stage (build, runtime)"
grep -q 'tini' "$D"; ok $? "Dockerfile: an init (tini) forwards SIGTERM"
miss=""
for src in $(awk '/^COPY/ && !/--from/ {for (i = 2; i < NF; i++) print $i}' "$D"); do
	[ "$src" = "." ] && continue
	[ -e "$top_srcdir/$src" ] || miss="$miss $src"
done
is "$miss" "" "Dockerfile: every COPY source exists"
for cmd in "autoreconf -fi" "./configure" "make -j"; do
	grep -q -- "$cmd" "$D" && grep -q -- "$cmd" "$top_srcdir/scripts/bootstrap"
	ok $? "Dockerfile builds with the same command as CI: $cmd"
done
pat='(password|passwd|secret|api[_-]?key|token)[A-Za-z_]*[:=][[:space:]]*[^[:space:]/]{6,}|AKIA[0-9A-Z]{16}|-----BEGIN'
hits=$(grep -Ein "$pat" "$D" "$C" "$S"/systemd/* "$S"/*.example "$S/docker/pipeline.conf" | grep -v '_FILE' || true)
is "$hits" "" "no secret-looking values in the container and unit files"
env_pw=$(awk '/environment:/{e=1; next} /^[[:space:]]*[a-z_]+:$/{e=0} e && /PASSWORD[^_]/' "$C")
is "$env_pw" "" "compose: no password in environment:"
for k in "restart: unless-stopped" "driver: json-file" "max-size:" "secrets:" "file: ./secrets/pg_password"; do
	grep -q -- "$k" "$C"; ok $? "compose: $k"
done
if grep -q '^[[:space:]]*ports:' "$C"; then r=1; else r=0; fi
ok $r "compose: nothing published on a port"
if python3 -c 'import yaml' 2>/dev/null; then
	python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$C"
	ok $? "compose.yaml is valid YAML"
else
	ok 1 "compose.yaml: python3's yaml module is missing (apt-get install python3-yaml)"
fi

# --- alerts ----------------------------------------------------------------
if command -v promtool >/dev/null 2>&1; then
	promtool check rules "$S/prometheus/alerts.yml" >"$T/prom.out" 2>&1
	ok $? "promtool check rules alerts.yml"
	# each alert fires on the series it watches, when it should, not before
	promtool test rules "$top_srcdir/tests/prod/alerts-test.yml" >"$T/promtest.out" 2>&1
	r=$?
	ok $r "promtool test rules: every alert fires as tests/prod/alerts-test.yml expects"
	[ $r -eq 0 ] || sed 's/^/# /' "$T/promtest.out"
else
	ok 1 "promtool is missing (apt-get install prometheus)"
fi
for a in FeedStale ResyncStorm KillSwitch UnknownOrder DailyLossNearLimit StoreLag NotReporting; do
	grep -q "alert: Arbitron$a" "$S/prometheus/alerts.yml"; ok $? "alert Arbitron$a defined"
done
# every arb_ metric an alert uses is a family that a program writes
for m in $(grep -o 'arb_[a-z_]*' "$S/prometheus/alerts.yml" | sort -u); do
	grep -rqF "arb_metrics_family(m, \"$m\"" "$top_srcdir/bin" "$top_srcdir/lib"
	ok $? "alerts.yml: $m is written by a program (--metrics)"
done

# --- scripts ---------------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck "$top_srcdir"/scripts/bootstrap "$top_srcdir"/scripts/install \
	    "$top_srcdir"/scripts/arb-* "$top_srcdir"/tests/fuzz/run >"$T/sc.out" 2>&1
	ok $? "shellcheck scripts/*"
	[ -s "$T/sc.out" ] && sed 's/^/# /' "$T/sc.out" | head -n 20
else
	ok 1 "shellcheck is missing (apt-get install shellcheck)"
fi

# --- install: idempotent ---------------------------------------------------
"$top_srcdir/scripts/install" --root "$T/root" --no-user >"$T/i1.out" 2>&1
ok $? "install into a fresh root"
# what it says to do next starts every unit it installed that has an
# [Install] section: the target, and the report and backup timers
for u in arbitron@NAME.target arbitron-report@NAME.timer arbitron-backup@NAME.timer; do
	grep -q "^install: then: systemctl enable --now .*$u" "$T/i1.out"
	ok $? "install says to enable $u"
done
snap() { (cd "$T/root" && find . -printf '%p %m %s\n' | sort && find . -type f -exec md5sum {} + | sort); }
snap >"$T/tree1"
"$top_srcdir/scripts/install" --root "$T/root" --no-user >"$T/i2.out" 2>&1
ok $? "install again"
snap >"$T/tree2"
cmp_ok "$T/tree2" "$T/tree1" "a second install leaves an identical tree"
is "$(grep -c '^install: /\|^install: .*root' "$T/i2.out")" 0 "a second install changes no file"
done_testing
