#!/usr/bin/python3
"""
Writes compile_commands.json for editors and clangd from the command lines
the build saved next to every object (.<name>.o.cmd files).

  gen_compile_commands.py OBJTREE > compile_commands.json
"""
import json
import os
import re
import sys

SAVED = re.compile(r"^savedcmd_(\S+) := (.*)$")


def main(argv):
    objtree = os.path.abspath(argv[1])
    srctree = os.environ.get("srctree", objtree)
    entries = []
    for root, dirs, files in os.walk(objtree):
        dirs[:] = [d for d in dirs if d not in (".git", "build")]
        for name in files:
            if not (name.startswith(".") and name.endswith(".o.cmd")):
                continue
            with open(os.path.join(root, name)) as f:
                m = SAVED.match(f.read().strip())
            if not m or " -c " not in m.group(2):
                continue
            cmd = m.group(2)
            src = cmd.rsplit(None, 1)[-1]
            if src.endswith(".c"):
                entries.append({"directory": srctree, "command": cmd, "file": src})
    json.dump(sorted(entries, key=lambda e: e["file"]), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
