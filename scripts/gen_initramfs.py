#!/usr/bin/python3
"""
Writes a newc ("070701") cpio archive, the initramfs GRUB hands to Tessera
as a multiboot2 module, from a list of entries (one a line):

    dir   PATH MODE                 a directory
    file  PATH SOURCE MODE          a regular file copied from SOURCE
    slink PATH TARGET MODE          a symbolic link
    nod   PATH MODE c|b MAJOR MINOR a device node
    extra DIR SOURCEDIR             every regular file of SOURCEDIR as DIR/NAME
                                    (USR_EXTRA); must be static x86_64 ELF or #! scripts

Owners are 0:0 and times $SOURCE_DATE_EPOCH (else 0), so the same inputs give
the same bytes. The archive is rewritten only when its bytes change.
Does not need the cpio tool.
"""
import argparse
import os
import stat
import struct
import sys

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"
ELF_MAGIC = b"\x7fELF"
EM_X86_64 = 62
PT_INTERP = 3
ET_EXEC, ET_DYN = 2, 3


class ListError(Exception):
    pass


def align4(n):
    return (n + 3) & ~3


def newc_entry(name, mode, data=b"", ino=0, nlink=1, mtime=0, rdev=(0, 0)):
    """One header + name + data, each padded to 4 bytes (newc format)."""
    namez = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, rdev[0], rdev[1],
              len(namez), 0]
    header = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
    out = header + namez
    out += b"\0" * (align4(len(out)) - len(out))
    out += data
    out += b"\0" * (align4(len(data)) - len(data))
    return out


def elf_problem(data):
    """Why an ELF file cannot run on Tessera, or None (also None for non-ELF)."""
    if not data.startswith(ELF_MAGIC):
        return None
    if len(data) < 64 or data[4] != 2 or data[5] != 1:
        return "not a 64-bit little-endian ELF file"
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    if e_machine != EM_X86_64:
        return "built for machine %d, not x86_64" % e_machine
    if e_type not in (ET_EXEC, ET_DYN):
        return "not an executable (ELF type %d)" % e_type
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        off = phoff + i * phentsize
        if off + 4 > len(data):
            return "truncated program headers"
        if struct.unpack_from("<I", data, off)[0] == PT_INTERP:
            return "dynamically linked (build it with musl-gcc -static)"
    return None


def parse_mode(text, where):
    try:
        return int(text, 8)
    except ValueError:
        raise ListError("%s: bad mode %r (octal expected)" % (where, text))


def read_source(path, where):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ListError("%s: %s: %s" % (where, path, e.strerror))


def extra_entries(dest, srcdir, where):
    """(path, source) for every regular file in srcdir, sorted."""
    if not os.path.isdir(srcdir):
        raise ListError("%s: %s is not a directory" % (where, srcdir))
    for name in sorted(os.listdir(srcdir)):
        src = os.path.join(srcdir, name)
        if os.path.isfile(src) and not name.startswith("."):
            yield dest.rstrip("/") + "/" + name, src


def check_program(path, data, where):
    problem = elf_problem(data)
    if problem:
        raise ListError("%s: %s: %s" % (where, path, problem))
    if not data.startswith(ELF_MAGIC) and not data.startswith(b"#!"):
        raise ListError("%s: %s: neither an ELF program nor a #! script" % (where, path))


def parse_list(lines, origin):
    """Entries as (path, kind, mode, payload) in list order; later ones replace earlier."""
    entries = {}
    for no, raw in enumerate(lines, 1):
        where = "%s:%d" % (origin, no)
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        kind, args = words[0], words[1:]
        need = {"dir": 2, "file": 3, "slink": 3, "nod": 5, "extra": 2}.get(kind)
        if need is None:
            raise ListError("%s: unknown entry type %r" % (where, kind))
        if len(args) != need:
            raise ListError("%s: %s takes %d fields, got %d" % (where, kind, need, len(args)))
        if not args[0].startswith("/"):
            raise ListError("%s: %s must be an absolute path" % (where, args[0]))
        if kind == "dir":
            entries[args[0]] = ("dir", stat.S_IFDIR | parse_mode(args[1], where), b"")
        elif kind == "file":
            data = read_source(args[1], where)
            entries[args[0]] = ("file", stat.S_IFREG | parse_mode(args[2], where), data)
        elif kind == "slink":
            entries[args[0]] = ("slink", stat.S_IFLNK | parse_mode(args[2], where),
                                args[1].encode())
        elif kind == "nod":
            mode = parse_mode(args[1], where)
            mode |= stat.S_IFCHR if args[2] == "c" else stat.S_IFBLK
            entries[args[0]] = ("nod", mode, (int(args[3]), int(args[4])))
        else:
            for path, src in extra_entries(args[0], args[1], where):
                data = read_source(src, where)
                check_program(src, data, where)
                if path in entries:
                    print("initramfs: %s from %s replaces the built-in one" % (path, src),
                          file=sys.stderr)
                entries[path] = ("file", stat.S_IFREG | 0o755, data)
    return entries


def build_archive(entries, mtime):
    """Parents before children; every missing parent directory is added."""
    paths = set(entries)
    for path in list(paths):
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            if parent not in entries:
                entries[parent] = ("dir", stat.S_IFDIR | 0o755, b"")
            parent = os.path.dirname(parent)
    out = bytearray()
    for ino, path in enumerate(sorted(entries, key=lambda p: (p.count("/"), p)), 1):
        kind, mode, payload = entries[path]
        name = path.lstrip("/")
        if kind == "nod":
            out += newc_entry(name, mode, ino=ino, mtime=mtime, rdev=payload)
        else:
            out += newc_entry(name, mode, payload, ino=ino, mtime=mtime,
                              nlink=2 if kind == "dir" else 1)
    out += newc_entry(TRAILER, 0)
    return bytes(out)


def write_if_changed(path, data):
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("-o", "--output", required=True, help="the archive to write")
    ap.add_argument("list", help="entry list ('-' for standard input)")
    args = ap.parse_args()
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    try:
        if args.list == "-":
            entries = parse_list(sys.stdin.read().splitlines(), "<stdin>")
        else:
            with open(args.list) as f:
                entries = parse_list(f.read().splitlines(), args.list)
    except (ListError, OSError) as e:
        print("gen_initramfs: %s" % e, file=sys.stderr)
        return 1
    data = build_archive(entries, mtime)
    if write_if_changed(args.output, data):
        print("  CPIO    %s (%d files, %d KiB)" % (os.path.basename(args.output),
              len(entries), (len(data) + 1023) // 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
