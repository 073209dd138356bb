#!/bin/bash
# Least privilege: after start-up each vipd holds exactly CAP_NET_ADMIN and
# CAP_NET_RAW (m1: no scripts), plus CAP_SETUID, CAP_SETGID and CAP_KILL when
# exec checks run (m2: script_user nobody, m3: root), in its effective,
# permitted and bounding sets, with empty inheritable and ambient sets. An
# exec check writes its own /proc/self/status: no capabilities at all and
# no_new_privs, as nobody and as root. A check that times out has its process
# group (another uid) killed. Then, with only those capabilities: the VIP
# moves on a crash (m1 -> m2 -> m3: netlink writes, GARP), vipctl status
# answers, and a graceful stop removes the pid file and the control socket.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

CAPS_BASE=0000000000003000    # CAP_NET_ADMIN (12), CAP_NET_RAW (13)
CAPS_SCRIPTS=00000000000030e0 # + CAP_KILL (5), CAP_SETGID (6), CAP_SETUID (7)
VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}

# caps_conf NODE PRIORITY [SCRIPT_USER]: no scripts without a user; with one,
# the caps check and a check that always times out.
caps_conf()
{
	local node=$1 prio=$2 user=${3:-}
	echo "vipd: { router_id = \"$node\"; script_user = \"${user:-root}\"; };"
	[ -n "$user" ] && cat <<CONF
checks = (
  { name = "caps"; type = "exec"; target = "$LAB_DIR/caps.sh $LAB_DIR/out/$node.caps";
    interval = 1.0; timeout = 1.0; rise = 1; fall = 3; weight = -1; },
  { name = "slow"; type = "exec"; target = "sleep 42$(node_index "$node") & sleep 42$(node_index "$node")";
    interval = 60.0; timeout = 0.3; rise = 1; fall = 1; weight = -1; initial = "up"; }
);
CONF
	cat <<CONF
instances = (
  { name = "vi_$VRID"; interface = "eth0"; vrid = $VRID; priority = $prio; advert_interval = 1;
    vips = [ "$VIP4/24" ]$([ -n "$user" ] && echo '; track_checks = [ "caps", "slow" ]'); }
);
CONF
}

# The exec check: its uid and its own capability lines, written atomically.
caps_script()
{
	cat >"$LAB_DIR/caps.sh" <<'SH'
#!/bin/sh
{ echo "Uid: $(id -u)"; grep -E '^(Cap|NoNewPrivs)' /proc/self/status; } >"$1.tmp" &&
    mv "$1.tmp" "$1"
SH
	chmod 755 "$LAB_DIR/caps.sh"
	# nobody must reach the script and write its output; root scripts must
	# pass the root-script rule (no directory above writable by others).
	chmod 711 "$LAB_DIR"
	mkdir -m 1777 "$LAB_DIR/out"
}

# daemon_pid NODE: the vipd's pid (from its pid file).
daemon_pid() { cat "$LAB_DIR/$1.pid"; }

# cap_field PID FIELD: e.g. cap_field 123 CapEff -> 0000000000003000
cap_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# expect_daemon_caps NODE HEX: the running daemon's sets.
expect_daemon_caps()
{
	local node=$1 want=$2 pid f
	pid=$(daemon_pid "$node")
	wait_for 3 eval '[ "$(cap_field '"$pid"' CapEff)" = '"$want"' ]' ||
	    fail "$node: CapEff $(cap_field "$pid" CapEff), expected $want"
	for f in CapEff CapPrm CapBnd; do
		assert_eq "$want" "$(cap_field "$pid" $f)" "$node: daemon $f"
	done
	for f in CapInh CapAmb; do
		assert_eq 0000000000000000 "$(cap_field "$pid" $f)" "$node: daemon $f"
	done
	say "$node: vipd pid $pid CapEff=CapPrm=CapBnd=$want, CapInh=CapAmb=0"
}

# script_field NODE FIELD: a line the caps check of NODE wrote.
script_field() { awk -v f="$2:" '$1 == f { print $2 }' "$LAB_DIR/out/$1.caps"; }

# expect_script_caps NODE UID: the check ran as UID with nothing.
expect_script_caps()
{
	local node=$1 uid=$2 f
	wait_for 5 test -s "$LAB_DIR/out/$node.caps" || fail "$node: the caps check never ran"
	assert_eq "$uid" "$(script_field "$node" Uid)" "$node: uid of the exec check"
	for f in CapEff CapPrm CapInh CapAmb; do
		assert_eq 0000000000000000 "$(script_field "$node" $f)" "$node: script $f"
	done
	assert_eq "$CAPS_SCRIPTS" "$(script_field "$node" CapBnd)" "$node: script CapBnd"
	assert_eq 1 "$(script_field "$node" NoNewPrivs)" "$node: script NoNewPrivs"
	say "$node: exec check as uid $uid: CapEff=CapPrm=CapInh=CapAmb=0, NoNewPrivs=1"
}

# expect_group_killed NODE: the slow check timed out and its group is gone.
expect_group_killed()
{
	local node=$1 pat
	pat="^sleep 42$(node_index "$node")\$"
	wait_for 5 grep -q "check 'slow' is now down: timeout" "$LAB_DIR/$node.log" ||
	    fail "$node: the slow check did not time out"
	wait_for 3 eval '! pgrep -f "'"$pat"'" >/dev/null' ||
	    fail "$node: the timed-out check's processes survive: $(pgrep -af "$pat")"
	say "$node: the timed-out check's process group was killed"
}

lab_setup 3
caps_script
id nobody >/dev/null 2>&1 || fail "no user 'nobody'"
start_vipd m1 "$(caps_conf m1 150)"
start_vipd m2 "$(caps_conf m2 120 nobody)"
start_vipd m3 "$(caps_conf m3 100 root)"
grep -q "capabilities kept: net_admin, net_raw$" "$LAB_DIR/m1.log" ||
    fail "m1 did not log the capabilities it kept"

expect_daemon_caps m1 "$CAPS_BASE"
expect_daemon_caps m2 "$CAPS_SCRIPTS"
expect_daemon_caps m3 "$CAPS_SCRIPTS"
expect_script_caps m2 "$(id -u nobody)"
expect_script_caps m3 0
expect_group_killed m2
expect_group_killed m3

expect_holder 10 "$VIP4" m1 "$LAB_READY" "election"
"$VIPCTL" -s "$LAB_DIR/m1.sock" status | grep -qE "^vi_51 +IPv4 +Master " ||
    fail "vipctl status does not show m1 as Master"
crash_and_measure m1 m2 "$VIP4" 8 "crash of m1 (no scripts)" 2000
crash_and_measure m2 m3 "$VIP4" 8 "crash of m2 (script_user nobody)" 2000
expect_daemon_caps m3 "$CAPS_SCRIPTS"

stop_node m3 || fail "m3 did not stop on SIGTERM"
assert_eq 0 "$(cat "$LAB_DIR/m3.rc")" "m3 exit status"
vip_absent "$VIP4" m3 || fail "m3 kept the VIP after a graceful stop"
[ ! -e "$LAB_DIR/m3.pid" ] || fail "m3 left its pid file"
[ ! -e "$LAB_DIR/m3.sock" ] || fail "m3 left its control socket"
say "m3 stopped: VIP removed, pid file and control socket gone"
echo PASS
