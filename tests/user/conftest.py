"""Fixtures for the host tests of user space: the programs built once per session."""
import pytest

import usrbuild


@pytest.fixture(scope="session")
def usr_bin():
    """build/test/user/usr/bin with init, sh and the core tools built by musl-gcc."""
    if not usrbuild.have_musl():
        pytest.skip("musl-gcc is not installed (Debian musl-tools; 'make deps')")
    return usrbuild.build_usr()
