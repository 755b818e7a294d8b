#!/usr/bin/env python3
"""Fail when the tracked tree carries what belongs to one machine.

Two checks, before anything is installed:
* a tracked file that .gitignore ignores (a committed virtualenv, a database, caches):
  `git ls-files -ci --exclude-standard`;
* a tracked text file naming an absolute path of the machine that built it: the
  checkout's own path, this user's home, or a path inside root's or a person's home
  folder (`/root`, `/home/NAME`, `/Users/NAME`): virtualenv shebangs and pyvenv.cfg look
  like that. A line that shows such a path on purpose (a test of this check) says
  `check-tree: ignore`.

Standard library only: it runs before the venv exists. Usage: python3 .ci/check_tree.py [REPO]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MACHINE_PATHS = re.compile(rb"(?<![\w.~-])/(?:root|home/[\w.-]+|Users/[\w.-]+)/")
SHOWN = 10
IGNORE = b"check-tree: ignore"


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def ignored_but_tracked(repo: Path) -> list[str]:
    return git(repo, "ls-files", "-ci", "--exclude-standard", "-z").decode().split("\0")[:-1]


def machine_paths(repo: Path) -> list[str]:
    """Tracked text files naming a path of this machine: 'file:line: path'."""
    needles = [re.escape(str(repo.resolve())).encode()]
    home = Path.home()
    if str(home) not in ("/", ""):
        needles.append(re.escape(str(home)).encode() + rb"/")
    pattern = re.compile(b"|".join([*needles, MACHINE_PATHS.pattern]))
    found = []
    for name in git(repo, "ls-files", "-z").decode().split("\0")[:-1]:
        path = repo / name
        try:
            data = path.read_bytes()
        except (IsADirectoryError, FileNotFoundError):  # a submodule, a file deleted in the tree
            continue
        if b"\0" in data[:8192]:
            continue  # binary
        for number, line in enumerate(data.splitlines(), 1):
            hit = pattern.search(line)
            if hit and IGNORE not in line:
                found.append(f"{name}:{number}: {hit.group().decode(errors='replace')}")
                break
    return found


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    failed = False
    ignored = ignored_but_tracked(repo)
    if ignored:
        failed = True
        print(f"{len(ignored)} tracked file(s) match .gitignore (git rm -r --cached them):", file=sys.stderr)
        for name in ignored[:SHOWN]:
            print(f"  {name}", file=sys.stderr)
    named = machine_paths(repo)
    if named:
        failed = True
        print(f"{len(named)} tracked file(s) name a path of the build machine:", file=sys.stderr)
        for line in named[:SHOWN]:
            print(f"  {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
