#!/bin/sh
# clinecfg is not dumpable (prctl PR_SET_DUMPABLE 0): while it waits for a
# secret, another process of the same (unprivileged) user can neither read
# its /proc environment and memory nor attach to it, and no core file would
# hold the keys.  Checked as user nobody, with a plain process of that user
# as the control (its environ is readable, so the check can see the
# difference).
. "$CLINECFG_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to run the check as another user (setpriv)"
command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) is not installed"
t_home
U=65534
chown -R "$U:$U" "$T_HOME"
AS_NOBODY="setpriv --reuid=$U --regid=$U --clear-groups"   # a command, not a function: `&` must not fork a shell

# control: a process of nobody's own is readable by nobody
$AS_NOBODY sleep 30 &
CONTROL=$!
sleep 0.3
$AS_NOBODY cat "/proc/$CONTROL/environ" >/dev/null 2>&1 || { kill $CONTROL; fail "the control process's environ is not readable: the check cannot tell"; }
kill $CONTROL 2>/dev/null

# clinecfg waiting for the secret on stdin (the pipe stays open, empty)
FIFO="$T_HOME/stdin"; mkfifo "$FIFO"; chown "$U:$U" "$FIFO"
$AS_NOBODY env HOME="$HOME" SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$SECRET_FILE_TEST_PATH" \
  SECRET_FILE_TEST_PASSWORD=test "$CLINECFG_BIN" login --access-key-id AKIAFAKEALICE0000000 --secret-stdin \
  <"$FIFO" >"$T_HOME/login.out" 2>&1 &
PID=$!
exec 9>"$FIFO"   # opens the writer: login now blocks reading its secret
i=0
until [ "$(cat "/proc/$PID/comm" 2>/dev/null)" = clinecfg ] && grep -q 'S (sleeping)' "/proc/$PID/status" 2>/dev/null; do
  i=$((i+1)); [ $i -lt 50 ] || { exec 9>&-; cat "$T_HOME/login.out"; fail "login did not start waiting for its secret"; }
  sleep 0.1
done
sleep 0.2
if $AS_NOBODY cat "/proc/$PID/environ" >/dev/null 2>&1; then
  exec 9>&-; kill $PID 2>/dev/null; fail "another process of the same user read clinecfg's environment"
fi
[ "$(stat -c %u "/proc/$PID/environ")" = 0 ] || { exec 9>&-; kill $PID; fail "/proc/$PID is owned by the user: the process is dumpable"; }
exec 9>&-
wait $PID 2>/dev/null || true
