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


def test_the_command_line_loads_no_engine_until_it_builds() -> None:
    """A no-change build decides in sunshine.lastbuild; pydantic, Jinja and the pipeline
    load only when a build has to run (half a second of a no-change build)."""
    import subprocess
    import sys

    code = (
        "import sys, sunshine, sunshine.cli, sunshine.lastbuild\n"
        "heavy = [m for m in ('sunshine.pipeline', 'sunshine.config', 'pydantic', 'jinja2', 'markdown') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    assert sunshine.build.__module__ == "sunshine.pipeline"


def test_a_quick_rebuild_loads_only_what_it_uses() -> None:
    """A one-record edit loads the engine (sunshine.quickstore) but not what only full
    builds use: the search index's event loop, the feeds' and sitemap's XML escaping
    (urllib, ssl, email), the QR encoder (the store knows its version) and package
    metadata (the forked process hashes the engine). Each is tens of milliseconds of a
    one-second edit."""
    import subprocess
    import sys

    code = (
        "import sys, sunshine.cli, sunshine.lastbuild, sunshine.quickstore\n"
        "print([m for m in ('asyncio', 'xml.sax.saxutils', 'ssl', 'zxingcpp', 'importlib.metadata') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
