"""Packages for admins: a Linux .deb, a Windows MSI and a macOS pkg layout.

Each platform is a subpackage exposing ``build(version, out) -> list[Path]``;
``python -m installer`` (``make packages``) runs them all.
"""


class BuildToolMissing(Exception):
    """This machine lacks a tool a platform's build needs; the message names it."""
