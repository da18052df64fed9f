"""The private PostgreSQL cluster's helper, where it meets a machine without PostgreSQL."""

import glob
import shutil
from pathlib import Path

import pytest

from db import cluster


def test_without_postgresql_it_says_exactly_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # The very modules and class db.cluster uses.
    monkeypatch.setattr(shutil, "which", lambda _: None)
    monkeypatch.setattr(glob, "glob", lambda _: [])
    monkeypatch.setattr(Path, "exists", lambda self: False)

    with pytest.raises(cluster.ClusterError) as missing:
        cluster.find_bindir()

    assert "apt-get install postgresql" in str(missing.value)
    assert "DATABASE_URL" in str(missing.value)


def test_it_finds_this_machines_binaries() -> None:
    bindir = cluster.find_bindir()

    assert (bindir / "initdb").exists() and (bindir / "postgres").exists()
    assert isinstance(bindir, Path)
