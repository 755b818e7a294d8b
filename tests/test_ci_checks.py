"""CI's tree check (.ci/check_tree.py) on a throwaway repository: it must fail on a tracked
virtualenv or a build machine's path, and pass on a clean tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = Path(__file__).resolve().parent.parent / ".ci" / "check_tree.py"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text(".venv/\n*.db\n", encoding="utf-8")
    (repo / "README.md").write_text("python3 -m venv .venv\nsee ~/notes and /etc/meshbot/meshbot.toml\n",
                                    encoding="utf-8")
    git(repo, "add", ".")
    return repo


def check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), str(repo)], capture_output=True, text=True, timeout=60)


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    out = check(make_repo(tmp_path))
    assert out.returncode == 0, out.stderr


def test_a_committed_virtualenv_fails_twice_over(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / ".venv" / "bin").mkdir(parents=True)
    cfg = "home = /root/.pyenv/versions/3.11.7/bin\n"  # check-tree: ignore
    (repo / ".venv" / "pyvenv.cfg").write_text(cfg, encoding="utf-8")
    (repo / ".venv" / "bin" / "meshbot").write_text(f"#!{repo}/.venv/bin/python\n", encoding="utf-8")
    git(repo, "add", "-f", ".venv")
    out = check(repo)
    assert out.returncode == 1
    assert "2 tracked file(s) match .gitignore" in out.stderr and ".venv/pyvenv.cfg" in out.stderr
    assert "name a path of the build machine" in out.stderr
    assert ".venv/pyvenv.cfg:1: /root/" in out.stderr  # check-tree: ignore
    assert f".venv/bin/meshbot:1: {repo}" in out.stderr


def test_a_home_path_in_a_source_file_fails(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "conf.py").write_text('DB = "/home/alice/meshbot/board.db"\n', encoding="utf-8")  # check-tree: ignore
    git(repo, "add", "conf.py")
    out = check(repo)
    assert out.returncode == 1 and "conf.py:1: /home/alice/" in out.stderr  # check-tree: ignore


def test_a_line_that_shows_a_path_on_purpose_can_say_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "doc.md").write_text("not /home/bob/x here  <!-- check-tree: ignore -->\n", encoding="utf-8")
    git(repo, "add", "doc.md")
    assert check(repo).returncode == 0


def test_this_checkout_tracks_nothing_of_one_machine() -> None:
    out = check(CHECK.parent.parent)
    assert out.returncode == 0, out.stderr
