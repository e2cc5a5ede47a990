"""
Boot tests and the helpers they share: build.py (configurations into O=
folders), qemu.py (guest, serial, monitor), image.py, checks.py.
"""
