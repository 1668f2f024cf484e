#!/bin/sh
# safefile_crash.sh - kill the writer at every point that matters.
#
# 1. For each syscall the edit makes (openat, read, write, close, fsync,
#    rename, unlink, flock, fcntl, fchmod, mkdir, newfstatat, getrandom, ...),
#    strace counts how often 'clinecfg config --file F set k v' calls it, then
#    for every N in 1..count the same edit runs under
#      strace -f -e inject=SYSCALL:signal=KILL:when=N
#    so it dies exactly at that call.
# 2. 300 more runs are killed with SIGKILL after a random delay.
# After every kill: F is byte-identical to the old or the new content; if new,
# the backup of the old bytes exists (it is written before the rename); every
# temp file left beside F is reported by 'clinecfg config --file F list' (the
# same detector 'status' uses, safefile_find_stale_temps); nothing else is
# left beside F but its lock file; leftovers in the backup folder carry the
# recognisable temp name.  Each iteration starts from a fresh folder that also
# holds a stale temp file from an "earlier crash", so the clean-up path
# (unlink) is in the kill range too.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
command -v strace >/dev/null 2>&1 || skip "strace is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
strace -f -o /dev/null -e inject=getpid:error=EPERM:when=1 true 2>/dev/null || skip "this strace has no syscall fault injection"
[ -z "${CLINECFG_WRAP:-}" ] || note "running the binary directly: a kill test under valgrind measures valgrind"
# LeakSanitizer cannot run under ptrace (strace); leaks are checked by the
# other tests, so switch it off here when this is an ASan build.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
W=$(t_tmpdir)
python3 - "$CLINECFG_BIN" "$W" "${CRASH_RANDOM_KILLS:-300}" <<'PY'
import hashlib, os, random, re, shutil, signal, subprocess, sys, time

BIN, W, RANDOM_KILLS = sys.argv[1], sys.argv[2], int(sys.argv[3])
OLD = b'{\n  // settings kept by hand\n  "a": 1, // one\n  "b": [1, 2]\n}\n'
TEMP_RE = re.compile(r'^\..+\.clinecfg-tmp\.[A-Za-z0-9]{6}$')
SYSCALLS = ["openat", "read", "write", "close", "fsync", "fdatasync", "rename", "renameat", "renameat2",
            "unlink", "unlinkat", "flock", "fcntl", "fchmod", "fchown", "mkdir", "newfstatat", "getdents64",
            "getrandom", "lseek"]

def sha(b): return hashlib.sha256(b).hexdigest()

def fresh(i):
    d = os.path.join(W, "it%d" % i)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "t"))
    with open(os.path.join(d, "t", "f.json"), "wb") as f: f.write(OLD)
    with open(os.path.join(d, "t", ".f.json.clinecfg-tmp.OLDOLD"), "wb") as f: f.write(b"half a file")
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(d, "state"), HOME=os.path.join(d, "home"))
    return d, env

def cmd(d): return [BIN, "-q", "config", "--file", os.path.join(d, "t", "f.json"), "set", "k", "v"]

# The new content: one clean run.
d, env = fresh(0)
subprocess.run(cmd(d), env=env, check=True)
NEW = open(os.path.join(d, "t", "f.json"), "rb").read()
assert NEW != OLD and b'"k"' in NEW, NEW
shutil.rmtree(d)

failures = []
outcome = {"old": 0, "new": 0, "temps_left": 0, "mid_write": 0}

def check(d, env, what):
    t = os.path.join(d, "t")
    data = open(os.path.join(t, "f.json"), "rb").read()
    if data == OLD:
        outcome["old"] += 1
    elif data == NEW:
        outcome["new"] += 1
        # the backup of the old bytes must exist
        found = False
        for root, _, files in os.walk(os.path.join(d, "state")):
            for n in files:
                if n == "1-f.json" and open(os.path.join(root, n), "rb").read() == OLD:
                    found = True
        if not found:
            failures.append("%s: file replaced but no backup of the old bytes" % what)
    else:
        failures.append("%s: file is neither old nor new: %r" % (what, data[:200]))
        return
    temps = []
    for n in os.listdir(t):
        if n == "f.json":
            continue  # (the lock lives in the state folder's locks/, not here)
        if TEMP_RE.match(n):
            temps.append(os.path.join(t, n))
            if n != ".f.json.clinecfg-tmp.OLDOLD":
                outcome["mid_write"] += 1  # killed between creating its temp file and the rename
        else:
            failures.append("%s: unexpected file left beside the target: %s" % (what, n))
    if temps:
        outcome["temps_left"] += 1
        r = subprocess.run([BIN, "config", "--file", os.path.join(t, "f.json"), "list"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for p in temps:
            if p.encode() not in r.stderr:
                failures.append("%s: temp file %s not reported: %s" % (what, p, r.stderr.decode(errors="replace")))
    for root, _, files in os.walk(os.path.join(d, "state")):
        for n in files:
            if root == os.path.join(d, "state", "clinecfg", "locks") and re.match(r'^[0-9a-f]{64}\.clinecfg\.lock$', n):
                continue
            if not (n == "manifest.json" or re.match(r'^[0-9]+-f\.json$', n) or TEMP_RE.match(n)):
                failures.append("%s: unrecognisable file in the backups: %s" % (what, os.path.join(root, n)))

# 1. Count each syscall, then kill at every N.
d, env = fresh(1)
cnt = os.path.join(W, "count.txt")
subprocess.run(["strace", "-f", "-c", "-o", cnt, "-e", "trace=" + ",".join(SYSCALLS)] + cmd(d), env=env,
               check=True, stderr=subprocess.DEVNULL)
counts = {}
for line in open(cnt):
    f = line.split()
    if len(f) >= 5 and f[-1] in SYSCALLS:
        counts[f[-1]] = int(f[3])
shutil.rmtree(d)
print("syscall counts of one edit:", ", ".join("%s=%d" % kv for kv in sorted(counts.items())))
print("not reached by the edit:", ", ".join(s for s in SYSCALLS if s not in counts) or "none")
for must in ("openat", "write", "fsync", "rename", "close", "flock", "unlink"):
    if counts.get(must, 0) == 0 and not (must == "unlink" and counts.get("unlinkat")) and \
       not (must == "rename" and (counts.get("renameat") or counts.get("renameat2"))):
        failures.append("the edit never called %s: the test does not see what it should" % must)
injected = 0
i = 2
for sc, n in sorted(counts.items()):
    for N in range(1, n + 2):  # n+1: past the last call, the edit completes
        d, env = fresh(i); i += 1
        subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "trace=" + sc,
                        "-e", "inject=%s:signal=KILL:when=%d" % (sc, N)] + cmd(d),
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check(d, env, "%s #%d" % (sc, N))
        shutil.rmtree(d)
        injected += 1
print("strace kills: %d (old %d, new %d, temp files left %d, killed mid-write %d)" % (
    injected, outcome["old"], outcome["new"], outcome["temps_left"], outcome["mid_write"]))

# 2. Random kills.  Delays spread over the length of one run.
d, env = fresh(i); i += 1
t0 = time.monotonic()
for _ in range(5):
    subprocess.run(cmd(d), env=env, check=True)
run_time = (time.monotonic() - t0) / 5
shutil.rmtree(d)
before = dict(outcome)
rng = random.Random(int(os.environ.get("CRASH_SEED", "4242")))
for k in range(RANDOM_KILLS):
    d, env = fresh(i); i += 1
    p = subprocess.Popen(cmd(d), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, run_time * 1.1))
    try: p.send_signal(signal.SIGKILL)
    except ProcessLookupError: pass
    p.wait()
    check(d, env, "random kill %d" % k)
    shutil.rmtree(d)
r_old, r_new = outcome["old"] - before["old"], outcome["new"] - before["new"]
print("random kills: %d (run time %.1f ms; old %d, new %d, temp files left %d, killed mid-write %d)" % (
    RANDOM_KILLS, run_time * 1000, r_old, r_new, outcome["temps_left"] - before["temps_left"],
    outcome["mid_write"] - before["mid_write"]))
if RANDOM_KILLS >= 50 and (r_old == 0 or r_new == 0):
    failures.append("random kills never hit %s: the delays do not cover the run" % ("before the rename" if r_old == 0 else "after it"))
if failures:
    print("\n".join(failures[:40]))
    print("FAIL: %d problems" % len(failures))
    sys.exit(1)
print("safefile_crash: ok")
PY
