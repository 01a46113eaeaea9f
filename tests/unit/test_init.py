"""The package's public names (sunshine.__all__) are complete and importable."""

from __future__ import annotations

import types

import sunshine


def test_all_lists_every_public_name() -> None:
    public = {
        name
        for name in dir(sunshine)
        if not name.startswith("_")
        and name != "annotations"
        and not isinstance(getattr(sunshine, name), types.ModuleType)
    }
    assert set(sunshine.__all__) - {"__version__"} == public


def test_every_name_in_all_exists() -> None:
    for name in sunshine.__all__:
        assert hasattr(sunshine, name), name


def test_version() -> None:
    assert sunshine.__version__.count(".") == 2
