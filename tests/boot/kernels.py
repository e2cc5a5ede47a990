"""
The build cache the boot tests share: a Kernels object builds each named
configuration once per session (into build/test/<name>) and each
(configuration, command line) ISO once.
"""
import re

import pytest

from boot import build as kbuild


class Kernels:
    """Builds on first use and remembers the result (or the failure).

    configs maps a name to kbuild.build() arguments; a name it does not know
    goes to fallback (the session's shared kernels), so a test module can add
    its own configurations and still reach the defconfigs.
    """

    def __init__(self, configs, fallback=None):
        self.configs = configs
        self.fallback = fallback
        self.done = {}
        self.isos = {}

    def __call__(self, name):
        if name not in self.configs and self.fallback is not None:
            return self.fallback(name)
        if name not in self.done:
            try:
                self.done[name] = kbuild.build(name, **self.configs[name])
            except kbuild.BuildError as e:
                self.done[name] = e
        result = self.done[name]
        if isinstance(result, Exception):
            pytest.fail("building %s failed:\n%s" % (name, result), pytrace=False)
        return result

    def iso(self, name, cmdline):
        """An ISO of configuration name booting with cmdline (built once)."""
        key = (name, cmdline)
        if key not in self.isos:
            tag = re.sub(r"[^A-Za-z0-9]+", "-", cmdline).strip("-") or "default"
            self.isos[key] = self(name).iso_with_cmdline(cmdline, tag)
        return self.isos[key]


def fragment_configs(table, defconfig=None):
    """{name: (defconfig, fragment)} or {name: fragment} as build arguments."""
    if defconfig is not None:
        return {name: dict(defconfig=defconfig, fragment=frag) for name, frag in table.items()}
    return {name: dict(defconfig=d, fragment=frag) for name, (d, frag) in table.items()}
