#!/usr/bin/env python3
"""cli_tables.py - the option tables against the man page and completions.

The tables are read from the binary: the commands of `clinecfg --help`, the
global options of its "global options" list, each command's own options
from the "options:" list of `clinecfg CMD --help` and, for a command with
subcommands (admin), each subcommand's from `clinecfg CMD SUB --help` (all
printed from the tables in src/cli.c and src/cmd/*.c).  A subcommand is
checked as its own entry "CMD SUB" (the command itself then has no options).
For every entry this checks that packaging/clinecfg.1 (its SYNOPSIS lines
and its COMMANDS subsections) and the bash, zsh and fish completions offer
exactly those options: each one of the table, and none that the table
lacks, nor one of a sibling subcommand.  Prints one line per problem; exit 1
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
table = {}       # "setup" or "admin limits" -> its long options
subcommands = {}  # "admin" -> ["provision", ...]


def read_table(entry):
    h = run(*entry.split(), "--help")
    table[entry] = listed_opts(section(h, "options:")) if "\noptions:\n" in h else set()
    if listed_opts(section(h, "global options:")) != global_opts:
        problems.append(f"clinecfg {entry} --help: its global options differ from clinecfg --help")
    usage = " ".join(l.strip() for l in h.split("\n\n", 1)[0].splitlines())
    if not usage.startswith(f"usage: clinecfg {entry}"):
        problems.append(f"clinecfg {entry} --help: the usage line does not start with 'clinecfg {entry}'")
    compare(f"clinecfg {entry} --help usage line", table[entry], set(OPT.findall(usage)))
    return h


for cmd in commands:
    h = read_table(cmd)
    if "\nsubcommands:\n" in h:
        subcommands[cmd] = [l.split()[0] for l in section(h, "subcommands:")]
        if table[cmd]:
            problems.append(f"clinecfg {cmd} --help: a command with subcommands lists options of its own")
        for sub in subcommands[cmd]:
            read_table(f"{cmd} {sub}")
# What the man page and the completions must cover: plain commands and
# every subcommand (a command with subcommands has no options to offer).
entries = [e for e in table if e not in subcommands]
if len(commands) < 10 or len(global_opts) < 8:
    problems.append(f"clinecfg --help lists only {len(commands)} commands and {len(global_opts)} global options")
if subcommands.get("admin") != ["provision", "policy", "report", "limits"]:
    problems.append(f"clinecfg admin --help lists the subcommands {subcommands.get('admin')}")


def entry_of(cmd, word):
    """The entry a man page heading or SYNOPSIS line "CMD WORD ..." belongs to."""
    return f"{cmd} {word}" if word in subcommands.get(cmd, []) else cmd

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
    m = re.match(r"^ +clinecfg ([a-z-]+)(?: ([a-z-]+))?( |$)", l)
    if m:  # an entry may have several lines (admin limits set, admin limits enforce|list|remove)
        syn.setdefault(entry_of(m.group(1), m.group(2)), set()).update(OPT.findall(l))
# COMMANDS subsections: "   setup" (or "   admin provision") headings.
# Several subsections of one entry ("admin policy developer|enforce",
# "admin policy blocked") add up.
sub = {}
for m in re.finditer(r"^   ([a-z-]+)(?: ([a-z-]+))?[^\n]*\n(.*?)(?=^   [a-z]|\Z)", sect["COMMANDS"],
                     flags=re.M | re.S):
    e = entry_of(m.group(1), m.group(2))
    sub[e] = sub.get(e, "") + m.group(3)
for e in entries:
    if e not in syn:
        problems.append(f"man SYNOPSIS: no line for clinecfg {e}")
    else:
        compare(f"man SYNOPSIS of {e}", table[e], syn[e])
    if e not in sub:
        problems.append(f"man COMMANDS: no subsection for {e}")
    else:
        compare(f"man COMMANDS {e}", table[e],
                listed_opts(l for l in sub[e].splitlines() if re.match(r"^ {7}--", l)))
for extra in sorted(set(syn) - set(entries)):
    problems.append(f"man SYNOPSIS: clinecfg {extra} is not a command or subcommand")
for extra in sorted(set(sub) - set(entries)):
    problems.append(f"man COMMANDS: {extra} is not a command or subcommand")

# ---- bash: _clinecfg_global and the cases of _clinecfg_command_opts ---------
bash = open(os.path.join(COMP, "clinecfg.bash")).read()
compare("bash global", global_opts, set(OPT.findall(re.search(r"^_clinecfg_global='([^']*)'", bash, re.M).group(1))))
body = re.search(r"_clinecfg_command_opts\(\)\n\{(.*?)\n\}", bash, re.S).group(1)
got = {e: set() for e in entries}
for names, opts in re.findall(r"^ +([a-z|' -]+)\) echo '([^']*)' ;;", body, re.M):
    for n in (x.strip(" '") for x in names.split("|")):
        got.setdefault(n, set()).update(OPT.findall(opts))
for e in got:
    compare(f"bash {e}", table.get(e, set()), got[e])

# ---- zsh: global_opts=( ... ) and the case blocks of the args state -------
zsh = open(os.path.join(COMP, "_clinecfg")).read()
gblock = re.search(r"global_opts=\((.*?)\n  \)", zsh, re.S).group(1)
compare("zsh global", global_opts, set(OPT.findall(gblock)))
variables = dict((n, set(OPT.findall(v))) for n, v in re.findall(r"local (\w+)='([^']*)'", zsh))
got = {e: set() for e in entries}


def zsh_opts(block):
    opts = set(re.findall(r"'(?:\([^)]*\))?\*?(--[a-z][a-z0-9-]*)", block))  # '*--x' may repeat
    for var in re.findall(r"\$(\w+)", block):
        opts |= variables.get(var, set())
    return opts


# A command's block ends at "          ;;"; a subcommand's block inside it
# ("              provision)" ... "                ;;") is that subcommand's.
nested = re.compile(r"^              ([a-z| -]+)\)\n(.*?)^                ;;", re.M | re.S)
for names, block in re.findall(r"^        ([a-z| -]+)\)\n(.*?)^          ;;", zsh, re.M | re.S):
    for n in (x.strip() for x in names.split("|")):
        for subnames, subblock in nested.findall(block):
            for s in (x.strip() for x in subnames.split("|")):
                got.setdefault(f"{n} {s}", set()).update(zsh_opts(subblock))
        got.setdefault(n, set()).update(zsh_opts(nested.sub("", block)))
for e in got:
    compare(f"zsh {e}", table.get(e, set()), got[e])

# ---- fish: complete lines, per `-n` condition ------------------------------
fish = open(os.path.join(COMP, "clinecfg.fish")).read()
var_c = None
got = {e: set() for e in entries}
fish_global = set()
for l in fish.splitlines():
    m = re.match(r"^set -l c '__fish_seen_subcommand_from ([a-z -]+)'", l)
    if m:
        var_c = m.group(1).split()
        continue
    m = re.match(r"^set -l c '__clinecfg_admin_sub ([a-z-]+)'", l)
    if m:
        var_c = ["admin " + m.group(1)]
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
for e in got:
    compare(f"fish {e}", table.get(e, set()), got[e])

for p in problems:
    print(p)
n = sum(len(v) for v in table.values())
nsub = sum(len(v) for v in subcommands.values())
if not problems:
    print(f"{len(commands)} commands, {nsub} subcommands, {n} command options and {len(global_opts)} global options "
          "agree with the man page and the bash, zsh and fish completions")
sys.exit(1 if problems else 0)
