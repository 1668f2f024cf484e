#!/bin/sh
# credential_process_children.sh - a third-party credential_process runs
# with stdin, stdout (the pipe) and stderr only: no descriptor of clinecfg's
# (here an inherited fd 9, as libcurl's sockets would be) reaches it.  And
# when it is killed for the time bound, nothing it started survives: not its
# process group, not a grandchild that left the group with setsid.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1
W="$T_HOME/w"
mkdir -p "$W" "$HOME/.aws"
FUTURE=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')

# Lists its descriptors above stderr without opening any itself (fstat
# each number), then prints credentials.
cat >"$W/fds.py" <<PY
#!/usr/bin/env python3
import os
extra = []
for fd in range(3, 4096):
    try:
        os.fstat(fd)
    except OSError:
        continue
    extra.append("%d -> %s" % (fd, os.readlink("/proc/self/fd/%d" % fd)))
with open("$W/fds", "w") as f:
    f.write("".join(x + "\\n" for x in extra) or "none\\n")
print('{"Version": 1, "AccessKeyId": "AKIAFAKEALICE0000000", "SecretAccessKey": "fake/alice/SecretKey+fake/alice/SecretKe", "Expiration": "$FUTURE"}')
PY
chmod +x "$W/fds.py"
cat >"$W/creds" <<SH
#!/bin/sh
sleep 300 & echo \$! >"$W/kid.pid"
setsid sh -c 'echo \$\$ >"\$1"; exec sleep 300' sh "$W/escapee.pid" </dev/null >/dev/null 2>&1 &
setsid sh -c 'sleep 300 & echo \$! >"\$1"; wait' sh "$W/escapee-kid.pid" </dev/null >/dev/null 2>&1 &
echo \$\$ >"$W/self.pid"
sleep 300
SH
chmod +x "$W/creds"
printf '[profile good]\ncredential_process = %s/fds.py\n\n[profile escape]\ncredential_process = %s/creds\n' \
  "$W" "$W" >"$HOME/.aws/config"

note "the command gets fds 0-2 only, though clinecfg has fd 9 open"
exec 9>"$W/held-open"
expect_rc 0 whoami --aws-profile good
exec 9>&-
[ -s "$W/fds" ] || fail "the credential_process did not run"
[ "$(cat "$W/fds")" = none ] || fail "credential_process inherited descriptors: $(cat "$W/fds")"

note "killed at the time bound: the group and the setsid escapees are gone"
CLINECFG_PROCESS_TIMEOUT_MS=1500 expect_rc 4 whoami --aws-profile escape
assert_contains "$err" "did not finish within 1500 ms"
gone() { # PID: not running (a zombie counts as gone: it is only waiting to be reaped)
  [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
for f in self kid escapee escapee-kid; do
  [ -s "$W/$f.pid" ] || fail "the script did not record $f.pid"
  pid=$(cat "$W/$f.pid")
  await_log gone "$pid" || { ps -o pid,ppid,pgid,sid,stat,args -p "$pid" >&2; kill -9 "$pid" 2>/dev/null; fail "$f ($pid) survived the timeout kill"; }
done
echo "ok"
