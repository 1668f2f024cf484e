#!/usr/bin/env python3
"""dep_cycles.py BUILD_DIR - fails when the objects under BUILD_DIR/src form a
dependency cycle between .c files.

The graph comes from `nm` on the compiled objects: an edge a -> b exists when
a.o has an undefined symbol that b.o defines.  A cycle is any strongly
connected component with more than one file.  The only cycles allowed are
the back-end tables (one interface, interchangeable implementations that
call back into the interface's shared helpers), listed in ALLOWED with the
reason.
"""
import os
import subprocess
import sys

# Each entry: a set of files that may form one component, and why.
ALLOWED = [
    # keyring.c owns the back-end table and the helpers every back end
    # shares; the back ends register in the table and call those helpers.
    ({"src/store/keyring.c", "src/store/keyring_libsecret.c", "src/store/keyring_macos.c"},
     "keyring back-end table"),
]


def objects(build):
    root = os.path.join(build, "src")
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".o"):
                yield os.path.join(d, f)


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRVWCG" or kind in "tdbr":
            if kind.isupper():
                defined.add(name)
    return defined, undefined


def scc(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: dep_cycles.py BUILD_DIR", file=sys.stderr)
        return 2
    build = sys.argv[1]
    owner, needs, names = {}, {}, {}
    for obj in objects(build):
        src = os.path.relpath(obj, build)[:-2] + ".c"
        names[obj] = src
        d, u = symbols(obj)
        needs[src] = u
        for s in d:
            owner.setdefault(s, src)
    if not names:
        print(f"dep_cycles: no objects under {build}/src; build first", file=sys.stderr)
        return 2
    edges = {}
    why = {}
    for src, undef in needs.items():
        for s in undef:
            o = owner.get(s)
            if o and o != src:
                edges.setdefault(src, set()).add(o)
                why.setdefault((src, o), s)
    bad = []
    for comp in scc(set(needs), edges):
        if len(comp) < 2:
            continue
        if any(comp <= allowed for allowed, _ in ALLOWED):
            continue
        bad.append(comp)
    for comp in bad:
        print("cycle: " + " <-> ".join(sorted(comp)))
        for a in sorted(comp):
            for b in sorted(edges.get(a, ())):
                if b in comp:
                    print(f"    {a} -> {b} (uses {why[(a, b)]})")
    print(f"dep_cycles: {len(names)} objects, {sum(len(v) for v in edges.values())} edges, {len(bad)} cycle(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
