"""Sunshine (阳光党务): a static-site generator for Party affairs disclosure."""

from __future__ import annotations

from .pipeline import build, build_in_memory, check
from .problems import BuildFailed, Problem, Problems
from .site import BuildOptions

__version__ = "0.1.0"

__all__ = ["BuildFailed", "BuildOptions", "Problem", "Problems", "__version__", "build", "build_in_memory", "check"]
