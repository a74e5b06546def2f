#!/usr/bin/env bash
# Checks the service files: systemd units with `systemd-analyze verify`, the OpenRC
# script and conf.d, the cron.daily script and the /etc/default example with `sh -n`,
# plus the rules that a verify cannot see (sandboxing, no MemoryDenyWriteExecute).
# Prints one line per check and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
ok() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failed=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- systemd -----------------------------------------------------------------
units=(systemd/cachectl.service systemd/cachectl.timer systemd/cachectl-scheduler.service)
if command -v systemd-analyze >/dev/null; then
	# verify refuses an ExecStart= binary that does not exist, and cachectl is not
	# installed here: verify copies whose ExecStart points at a stub.
	mkdir -p "$tmp/bin" "$tmp/units"
	printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/cachectl"
	chmod +x "$tmp/bin/cachectl"
	for u in "${units[@]}"; do
		sed "s#^ExecStart=cachectl #ExecStart=$tmp/bin/cachectl #" "$u" >"$tmp/units/$(basename "$u")"
	done
	# Unknown keys are only warnings (exit 0): any output at all counts as a failure.
	out=$(cd "$tmp/units" && systemd-analyze verify --man=no "${units[@]##*/}" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then ok "systemd-analyze verify ${units[*]}"
	else fail "systemd-analyze verify (exit $rc):"; printf '%s\n' "$out" | sed 's/^/      /'
	fi
else
	fail "systemd-analyze not found (apt-get install systemd)"
fi

# Rules for both services (grep on uncommented lines).
has() { grep -Eq "^$2" "$1"; }
for u in systemd/cachectl.service systemd/cachectl-scheduler.service; do
	# No install prefix in the unit: systemd finds a bare name in /usr/local/bin or /usr/bin,
	# and a unit whose cachectl is missing fails (203/EXEC) instead of doing nothing.
	has "$u" 'ExecStart=cachectl ' && ok "$u: ExecStart= runs cachectl from systemd's search path" || fail "$u: ExecStart= must name cachectl without a directory"
	if command -v systemd-analyze >/dev/null && [ ! -e /usr/local/bin/cachectl ] && [ ! -e /usr/bin/cachectl ]; then
		out=$(cd "$(dirname "$u")" && systemd-analyze verify --man=no "$(basename "$u")" 2>&1)
		case $out in *'Command cachectl is not executable'*) ok "$u: without cachectl installed, verify says so" ;;
			*) fail "$u: without cachectl installed, verify should fail on it: $out" ;; esac
	fi
	for key in 'ProtectSystem=strict' 'ReadWritePaths=/var/cache/apache2/dist-files' 'NoNewPrivileges=yes' \
		'PrivateTmp=yes' 'PrivateNetwork=yes' 'Nice=19' 'IOSchedulingClass=idle' 'User=apache' \
		'EnvironmentFile=-/etc/default/cachectl' 'Environment=.*CACHECTL_PATH=/var/cache/apache2/dist-files' \
		'Environment=.*CACHECTL_LIMIT=50G'; do
		has "$u" "$key" && ok "$u: $key" || fail "$u: missing $key"
	done
	# V8 needs W+X pages: node aborts at start under MemoryDenyWriteExecute=yes.
	has "$u" 'MemoryDenyWriteExecute=(yes|true|1|on)' && fail "$u: MemoryDenyWriteExecute= kills node" || ok "$u: no MemoryDenyWriteExecute"
done
has systemd/cachectl.service 'Type=oneshot' && ok 'cachectl.service is a oneshot' || fail 'cachectl.service: Type=oneshot'
for key in 'OnCalendar=' 'Persistent=true' 'RandomizedDelaySec=' 'WantedBy=timers.target'; do
	has systemd/cachectl.timer "$key" && ok "cachectl.timer: $key" || fail "cachectl.timer: missing $key"
done
for key in 'ExecReload=/bin/kill -HUP \$MAINPID' 'Restart=on-failure' 'TimeoutStopSec=' 'ExecStart=[^ ]+ schedule'; do
	has systemd/cachectl-scheduler.service "$key" && ok "cachectl-scheduler.service: $key" || fail "cachectl-scheduler.service: missing $key"
done
# A cron expression on the command line would be a usage error (several words).
has systemd/cachectl-scheduler.service 'ExecStart=.*CACHECTL_CRON' && fail 'scheduler: CACHECTL_CRON on the command line' || ok 'scheduler: cron expression from the environment only'

# --- shell scripts -------------------------------------------------------------
shells=(sh)
for s in dash bash 'busybox sh'; do
	command -v "${s%% *}" >/dev/null && shells+=("$s")
done
for f in openrc/cachectl.initd openrc/cachectl.confd contrib/cron.daily/cachectl systemd/cachectl.default; do
	for s in "${shells[@]}"; do
		if out=$($s -n "$f" 2>&1); then ok "$s -n $f"; else fail "$s -n $f: $out"; fi
	done
done
head -1 openrc/cachectl.initd | grep -qx '#!/sbin/openrc-run' && ok 'initd: #!/sbin/openrc-run' || fail 'initd: first line must be #!/sbin/openrc-run'
grep -Eq '^command="?\$\{CACHECTL_NODE\}"?$' openrc/cachectl.initd && grep -q '^: "${CACHECTL_NODE:=/usr/bin/node}"' openrc/cachectl.initd \
	&& ok 'initd: command is node (supervise-daemon cannot match an env-node script)' || fail 'initd: command must be /usr/bin/node'
grep -Eq '^command_args=.*(CRON|\*)' openrc/cachectl.initd && fail 'initd: command_args must not carry a cron expression (it is eval-ed)' || ok 'initd: no cron expression in command_args'
for f in openrc/cachectl.initd contrib/cron.daily/cachectl .ci/check-services.sh; do
	[ -x "$f" ] && ok "$f is executable" || fail "$f is not executable"
done
# The conf.d and the /etc/default example are re-read by `cachectl schedule` on SIGHUP:
# only comments and plain KEY="value" lines.
for f in openrc/cachectl.confd systemd/cachectl.default; do
	bad=$(grep -Ev '^\s*(#.*)?$' "$f" | grep -Ev '^[A-Za-z_][A-Za-z0-9_]*=("[^"$`]*"|[^"$`[:space:]]*)$')
	[ -z "$bad" ] && ok "$f: plain KEY=\"value\" lines" || fail "$f: not a plain assignment: $bad"
done

if [ $failed -eq 0 ]; then echo 'check-services: all passed'; else echo 'check-services: FAILED'; fi
exit $failed
