"""Sunshine (阳光党务): a static-site generator for Party affairs disclosure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["BuildFailed", "BuildOptions", "Problem", "Problems", "__version__", "build", "build_in_memory", "check"]

if TYPE_CHECKING:
    from .options import BuildOptions
    from .pipeline import build, build_in_memory, check
    from .problems import BuildFailed, Problem, Problems

# Loaded on first use, so that ``python build.py`` with nothing changed never loads the engine.
_WHERE = {
    "build": "pipeline", "build_in_memory": "pipeline", "check": "pipeline",
    "BuildFailed": "problems", "Problem": "problems", "Problems": "problems", "BuildOptions": "options",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sunshine' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
