"""The errors of a deploy; every message says what to do."""

from __future__ import annotations


class DeployError(Exception):
    """A deploy that cannot start or did not finish; the message says what to do."""


class TargetError(DeployError):
    """The target is not one this module can publish to (a bad command line)."""
