#!/usr/bin/env python3
"""cli_tables.py - the option tables against the man page and completions.

The tables are read from the binary: the commands of `clinecfg --help`, the
global options of its "global options" list and each command's own options
from the "options:" list of `clinecfg CMD --help` (both printed from the
tables in src/cli.c and src/cmd/*.c).  For every command this checks that
packaging/clinecfg.1 (its SYNOPSIS line and its COMMANDS subsection) and the
bash, zsh and fish completions offer exactly those options: each one of the
table, and none that the table lacks.  Prints one line per problem; exit 1
when there is any, 77 when no man page renderer is installed.
"""
import os
import re
import shutil
import subprocess
import sys

BIN = os.environ["CLINECFG_BIN"]
TOP = os.environ["CLINECFG_TOP"]
MAN = os.path.join(TOP, "packaging", "clinecfg.1")
COMP = os.path.join(TOP, "packaging", "completions")
OPT = re.compile(r"--[a-z][a-z0-9-]*")
problems = []


def run(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


def section(text, start, stop=None):
    """Lines after the line `start` up to the first blank line (or `stop`)."""
    lines = text.splitlines()
    i = lines.index(start) + 1
    out = []
    for line in lines[i:]:
        if (stop is None and not line.strip()) or line == stop:
            break
        out.append(line)
    return out


def listed_opts(lines):
    return {m.group(1) for m in (re.match(r"^ +(?:-[a-zA-Z], +)?(--[a-z][a-z0-9-]*)", l) for l in lines) if m}


def compare(where, want, got):
    for o in sorted(want - got):
        problems.append(f"{where}: {o} is in the option table but not offered")
    for o in sorted(got - want):
        problems.append(f"{where}: {o} is offered but not in the option table")


# ---- the tables, as the binary prints them -------------------------------
tool_help = run("--help")
commands = [l.split()[0] for l in section(tool_help, "commands:")]
global_opts = listed_opts(section(tool_help, "global options (accepted before or after the command):"))
table = {}
for cmd in commands:
    h = run(cmd, "--help")
    table[cmd] = listed_opts(section(h, "options:")) if "\noptions:\n" in h else set()
    if listed_opts(section(h, "global options:")) != global_opts:
        problems.append(f"clinecfg {cmd} --help: its global options differ from clinecfg --help")
    usage = " ".join(l.strip() for l in h.split("\n\n", 1)[0].splitlines())
    compare(f"clinecfg {cmd} --help usage line", table[cmd], set(OPT.findall(usage)))
if len(commands) < 10 or len(global_opts) < 8:
    problems.append(f"clinecfg --help lists only {len(commands)} commands and {len(global_opts)} global options")

# ---- the man page ----------------------------------------------------------
if shutil.which("mandoc"):
    man = subprocess.run(["mandoc", "-T", "ascii", "-O", "width=500", MAN], check=True, capture_output=True).stdout
elif shutil.which("groff"):
    man = subprocess.run(["groff", "-man", "-Tascii", "-rLL=500n", "-rHY=0", MAN], check=True,
                         capture_output=True).stdout
else:
    print("neither mandoc nor groff is installed")
    sys.exit(77)
man = re.sub(r".\x08", "", man.decode())
sections = re.split(r"^([A-Z][A-Z ]+)$", man, flags=re.M)
sect = {sections[i]: sections[i + 1] for i in range(1, len(sections) - 1, 2)}
compare("man GLOBAL OPTIONS", global_opts, listed_opts(l for l in sect["GLOBAL OPTIONS"].splitlines()
                                                      if re.match(r"^ {7}-", l)))
syn = {}
for l in sect["SYNOPSIS"].splitlines():
    m = re.match(r"^ +clinecfg ([a-z-]+)( |$)", l)
    if m:  # a command may have several lines (admin provision, admin policy, admin report)
        syn.setdefault(m.group(1), set()).update(OPT.findall(l))
# COMMANDS subsections: "   setup" (or "   admin provision") headings.
# Several subsections of one command ("admin provision", "admin report") add up.
sub = {}
for m in re.finditer(r"^   ([a-z-]+)[^\n]*\n(.*?)(?=^   [a-z]|\Z)", sect["COMMANDS"], flags=re.M | re.S):
    sub[m.group(1)] = sub.get(m.group(1), "") + m.group(2)
for cmd in commands:
    if cmd not in syn:
        problems.append(f"man SYNOPSIS: no line for clinecfg {cmd}")
    else:
        compare(f"man SYNOPSIS of {cmd}", table[cmd], syn[cmd])
    if cmd not in sub:
        problems.append(f"man COMMANDS: no subsection for {cmd}")
    else:
        compare(f"man COMMANDS {cmd}", table[cmd],
                listed_opts(l for l in sub[cmd].splitlines() if re.match(r"^ {7}--", l)))
for extra in sorted(set(syn) - set(commands)):
    problems.append(f"man SYNOPSIS: clinecfg {extra} is not a command")

# ---- bash: _clinecfg_global and the cases of _clinecfg_command_opts ---------
bash = open(os.path.join(COMP, "clinecfg.bash")).read()
compare("bash global", global_opts, set(OPT.findall(re.search(r"^_clinecfg_global='([^']*)'", bash, re.M).group(1))))
body = re.search(r"_clinecfg_command_opts\(\)\n\{(.*?)\n\}", bash, re.S).group(1)
got = {c: set() for c in commands}
for names, opts in re.findall(r"^ +([a-z| -]+)\) echo '([^']*)' ;;", body, re.M):
    for n in (x.strip() for x in names.split("|")):
        got.setdefault(n, set()).update(OPT.findall(opts))
for cmd in got:
    compare(f"bash {cmd}", table.get(cmd, set()), got[cmd])

# ---- zsh: global_opts=( ... ) and the case blocks of the args state -------
zsh = open(os.path.join(COMP, "_clinecfg")).read()
gblock = re.search(r"global_opts=\((.*?)\n  \)", zsh, re.S).group(1)
compare("zsh global", global_opts, set(OPT.findall(gblock)))
variables = dict((n, set(OPT.findall(v))) for n, v in re.findall(r"local (\w+)='([^']*)'", zsh))
got = {c: set() for c in commands}
for names, block in re.findall(r"^        ([a-z| -]+)\)\n(.*?);;", zsh, re.M | re.S):
    opts = set(re.findall(r"'(?:\([^)]*\))?\*?(--[a-z][a-z0-9-]*)", block))  # '*--x' may repeat
    for var in re.findall(r"\$(\w+)", block):
        opts |= variables.get(var, set())
    for n in (x.strip() for x in names.split("|")):
        got.setdefault(n, set()).update(opts)
for cmd in got:
    compare(f"zsh {cmd}", table.get(cmd, set()), got[cmd])

# ---- fish: complete lines, per `-n` condition ------------------------------
fish = open(os.path.join(COMP, "clinecfg.fish")).read()
var_c = None
got = {c: set() for c in commands}
fish_global = set()
for l in fish.splitlines():
    m = re.match(r"^set -l c '__fish_seen_subcommand_from ([a-z -]+)'", l)
    if m:
        var_c = m.group(1).split()
        continue
    m = re.match(r"^complete -c clinecfg (.*)$", l)
    long_name = re.search(r"(?:^| )-l ([a-z][a-z0-9-]*)", m.group(1)) if m else None
    if not long_name:
        continue
    args = m.group(1)
    name = "--" + long_name.group(1)
    cond = re.search(r"-n (\$c|'__fish_seen_subcommand_from ([a-z -]+)')", args)
    if not cond:
        fish_global.add(name)
        continue
    for n in (var_c if cond.group(1) == "$c" else cond.group(2).split()):
        got.setdefault(n, set()).add(name)
compare("fish global", global_opts, fish_global)
for cmd in got:
    compare(f"fish {cmd}", table.get(cmd, set()), got[cmd])

for p in problems:
    print(p)
n = sum(len(v) for v in table.values())
if not problems:
    print(f"{len(commands)} commands, {n} command options and {len(global_opts)} global options agree with "
          "the man page and the bash, zsh and fish completions")
sys.exit(1 if problems else 0)
