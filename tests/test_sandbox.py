"""Tests of ``course_tools.grader.sandbox``: how a kernel's sandbox is built, without running a kernel.

The behaviour of real sandboxed kernels under attack is tested in ``test_grade_attacks.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from course_tools.grader import sandbox
from course_tools.grader.sandbox import Limits, kernel_command, python_dirs, sandbox_problem

PACKAGE = Path(sandbox.__file__).absolute().parents[2] / "course_utils"
LINUX = sys.platform.startswith("linux")


def windows(command: list[str]) -> list[tuple[str, str]]:
    """Every pair of consecutive words of ``command``, in order."""
    return list(zip(command, command[1:], strict=False))


def test_python_dirs_hide_the_checkout_but_keep_a_virtual_environment_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Is a venv inside the checkout kept, and every other sys.path entry of the checkout left out?"""
    checkout = tmp_path / "course"
    venv = checkout / ".venv-ci"
    for folder in (venv / "lib", checkout / "solutions", tmp_path / "base"):
        folder.mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "exec_prefix", str(venv))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "base"))
    monkeypatch.setattr(sys, "base_exec_prefix", str(tmp_path / "base"))
    monkeypatch.setattr(sys, "path", [str(checkout), str(checkout / "solutions"), str(venv / "lib")])
    monkeypatch.setattr(sandbox.site, "getsitepackages", lambda: [str(venv / "lib")])
    monkeypatch.setattr(sandbox.site, "ENABLE_USER_SITE", False)
    assert python_dirs(str(checkout)) == [str(tmp_path / "base"), str(venv)]


def test_the_command_hides_the_checkout_and_shows_the_package_read_only(tmp_path: Path) -> None:
    """Is the checkout covered by a small tmpfs, remounted read-only, with only course_utils bound back?"""
    connection = tmp_path / "kernel.json"
    connection.write_text("{}")
    command = kernel_command(["python", "-V"], package_dir=str(PACKAGE), connection_file=str(connection),
                             limits=Limits())
    checkout = str(PACKAGE.parent)
    steps = windows(command)
    assert ("--tmpfs", checkout) in steps and ("--remount-ro", checkout) in steps
    assert steps.index(("--tmpfs", checkout)) < steps.index(("--ro-bind", str(PACKAGE)))
    assert ("--ro-bind", checkout) not in steps and ("--bind", checkout) not in steps
    assert command[command.index(str(connection)) - 1] == "--ro-bind"
    assert command[command.index(str(connection)) + 1] == sandbox.CONNECTION_FILE
    assert "--clearenv" in command
    assert ("--chdir", sandbox.HOME) in steps


def test_the_limits_reach_the_launcher_and_root_gives_up_root() -> None:
    """Do the limits and, for a root grader, the user id reach the launcher, without a user namespace?"""
    limits = Limits(memory=2**31, cpu_seconds=60, processes=64, file_size=2**20, disk=2**25)
    given = {"package_dir": str(PACKAGE), "connection_file": os.devnull, "limits": limits}
    mine = kernel_command(["python", "-V"], **given)
    root = kernel_command(["python", "-V"], uid=2**30 + 7, **given)
    launcher = mine[mine.index("course_tools.grader.sandbox") + 1:]
    assert launcher == ["--memory", str(2**31), "--cpu-seconds", "60", "--processes", "64",
                        "--file-size", str(2**20), "--", "python", "-V"]
    assert "--unshare-user" in mine and "--unshare-user" not in root
    assert root[root.index("--uid") + 1] == str(2**30 + 7)
    assert ["--cap-add", "CAP_SETUID"] == root[root.index("--cap-add"):root.index("--cap-add") + 2]
    assert ("--size", str(2**25)) in windows(mine)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX user ids")
def test_sandbox_uid_is_fresh_for_root_only() -> None:
    """Does a root grader get a user id from the unused range, and anyone else None?"""
    uid = sandbox.sandbox_uid()
    if os.geteuid() == 0:
        low, high = sandbox.UID_RANGE
        assert uid is not None and low <= uid < high
    else:
        assert uid is None


def test_no_bwrap_means_a_problem_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without bwrap (or off Linux), does sandbox_problem say what to install and mention --no-sandbox?"""
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    problem = sandbox_problem()
    assert problem is not None and "--no-sandbox" in problem
    assert ("bubblewrap" in problem) if LINUX else ("Linux" in problem)


@pytest.mark.skipif(not LINUX or sandbox.find_bwrap() is None, reason="needs Linux and bubblewrap")
def test_a_broken_bwrap_is_reported_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When bwrap exists but fails (as where user namespaces are forbidden), is that a problem, not None?"""
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: str(fake))
    problem = sandbox_problem()
    assert problem is not None and "No permissions to create new namespace" in problem
