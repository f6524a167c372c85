"""``python -m installer``: build every package that can be built on this machine.

``make packages [PACKAGE_VERSION=X.Y.Z]`` calls this. Each platform lives in
its own subpackage with one ``build(version, out) -> list[Path]`` function;
a platform whose build tool is missing here says so and is skipped, unless
``--require`` names it (the tests and CI do), so a missing tool is a failure
where it matters and a note elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from installer import BuildToolMissing

PLATFORMS = ("linux", "windows", "macos")


def default_version() -> str:
    try:
        return metadata.version("backlight")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m installer", description=__doc__.split("\n")[0])
    p.add_argument("--version", default=None, help="package version (default: the project's)")
    p.add_argument("--out", default="dist", type=Path, help="output folder (default: dist)")
    p.add_argument("--only", choices=PLATFORMS, action="append", help="build just these")
    p.add_argument(
        "--require",
        choices=PLATFORMS,
        action="append",
        default=[],
        help="fail, rather than skip, when this platform's tool is missing",
    )
    args = p.parse_args(argv)
    version = args.version or default_version()
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in args.only or PLATFORMS:
        module = __import__(f"installer.{name}", fromlist=["build"])
        try:
            for path in module.build(version, args.out):
                print(f"{name}: {path}")
        except BuildToolMissing as e:
            print(f"{name}: skipped: {e}", file=sys.stderr)
            failed |= name in args.require
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
