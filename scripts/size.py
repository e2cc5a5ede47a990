#!/usr/bin/python3
"""
make size: bytes of text, data and bss for every object linked into the
kernel, summed per folder and per Kconfig option (read from the obj-$(CONFIG_X)
lines of each folder's Makefile), and the total of tessera.elf itself.

  size.py OBJTREE [--json]
"""
import json
import os
import re
import subprocess
import sys

OBJ_LINE = re.compile(r"^obj-\$\((CONFIG_[A-Z0-9_]+)\)\s*\+=\s*(.*)$")


def archive_members(objtree):
    out = subprocess.run(["ar", "t", os.path.join(objtree, "built-in.a")],
                         capture_output=True, text=True, check=True).stdout
    return [m for m in out.split() if m.endswith(".o")]


def berkeley_size(paths):
    out = subprocess.run(["size", "-B"] + paths, capture_output=True, text=True,
                         check=True).stdout.splitlines()[1:]
    sizes = {}
    for line in out:
        text, data, bss, _dec, _hex, name = line.split(None, 5)
        sizes[name] = (int(text), int(data), int(bss))
    return sizes


def option_in_makefile(srctree, folder, entry):
    """The CONFIG_ option of an obj-$(CONFIG_X) line naming entry, or None."""
    try:
        with open(os.path.join(srctree, folder, "Makefile")) as f:
            for line in f:
                m = OBJ_LINE.match(line.strip())
                if m and entry in m.group(2).split():
                    return m.group(1)
    except FileNotFoundError:
        pass
    return None


def option_of(srctree, relpath):
    """The option that pulls this object in: its own obj- line, or failing
    that the obj-$(CONFIG_X) += folder/ line of the nearest enclosing folder."""
    folder, entry = os.path.split(relpath)
    while True:
        option = option_in_makefile(srctree, folder, entry)
        if option or not folder:
            return option or "always"
        folder, sub = os.path.split(folder)
        entry = sub + "/"


def add(table, key, sz):
    t = table.setdefault(key, [0, 0, 0])
    for i in range(3):
        t[i] += sz[i]


def main(argv):
    objtree = os.path.abspath(argv[1])
    srctree = os.environ.get("srctree", os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    members = archive_members(objtree)
    sizes = berkeley_size(members)
    folders, options, objects = {}, {}, []
    for path, sz in sizes.items():
        rel = os.path.relpath(path, objtree)
        objects.append((rel, sz))
        add(folders, os.path.dirname(rel).split(os.sep)[0], sz)
        add(options, option_of(srctree, rel), sz)
    total = berkeley_size([os.path.join(objtree, "tessera.elf")])
    total = list(total.values())[0]
    if "--json" in argv:
        print(json.dumps({"objects": dict(objects), "folders": folders,
                          "options": options, "total": total}))
        return 0
    fmt = "%8s %8s %8s  %s"
    print(fmt % ("text", "data", "bss", "object"))
    for rel, sz in sorted(objects):
        print(fmt % (sz[0], sz[1], sz[2], rel))
    print("\n" + fmt % ("text", "data", "bss", "folder"))
    for name, sz in sorted(folders.items()):
        print(fmt % (sz[0], sz[1], sz[2], name + "/"))
    print("\n" + fmt % ("text", "data", "bss", "option"))
    for name, sz in sorted(options.items()):
        print(fmt % (sz[0], sz[1], sz[2], name))
    print("\n" + fmt % (total[0], total[1], total[2], "tessera.elf (total, with symbol table)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
