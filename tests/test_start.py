"""Does the README's start command open a course whose links work, in every shell?

* The README gives a set-up-and-start command and a start-only command (no reinstall), both
  free of shell-specific syntax, and TEACHING.md starts JupyterLab the same way.
* JupyterLab started exactly as the README says, from the course folder, serves the course
  folder: its contents API lists ``notebooks/``, ``exercises/`` and ``README.md``, and it
  opens lesson 0.
* In headless Chromium (Debian's ``/usr/bin/chromium`` through Playwright), lesson 1's
  "Exercises" link opens the exercise notebook in JupyterLab, and that notebook's "Contents"
  link opens the README: no "file not found".
* The first code cell of every notebook says what to do when the kernel's Python lacks the
  course, instead of a bare ``No module named 'course_utils'``.

The server runs in a copy of the course (so that the checkpoints JupyterLab writes stay out
of the repository) with every Jupyter folder in a temporary directory (``LabServer.env``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LabServer,
)

from course_utils.course import LESSONS, ROOT

SETUP = "python -m pip install -r requirements.txt"
OPEN_TIMEOUT_MS = 90_000
_PORTABLE = re.compile(r"^[A-Za-z0-9_./-]+$")
"""A word that bash, zsh, cmd and PowerShell all pass on unchanged (no quotes, =, $, %, ~, *)."""


def _code_lines(path: Path) -> list[str]:
    """The lines of the fenced code blocks of a Markdown file."""
    lines, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line.strip())
    return lines


def readme_start_command() -> str:
    """The README's start-only command (its code line that starts JupyterLab without pip)."""
    starts = [line for line in _code_lines(ROOT / "README.md") if line.startswith("python -m jupyter lab")]
    assert len(starts) == 1, f"expected one start-only command in the README, found {starts}"
    return starts[0]


def test_readme_gives_a_setup_command_and_a_start_command() -> None:
    """Is there a set-up-and-start line, and the same start without reinstalling, both portable?"""
    start = readme_start_command()
    lines = _code_lines(ROOT / "README.md")
    assert f"{SETUP} && {start}" in lines
    for command in (start, SETUP, "python -m pip install -r requirements-dev.txt && python -m pytest"):
        words = [word for word in command.split() if word != "&&"]
        assert all(_PORTABLE.match(word) for word in words), command
    assert " . notebooks/00-start-here.ipynb" in start, "the server must serve the course folder"


def test_teaching_guide_starts_jupyterlab_on_the_course_folder() -> None:
    """Does every JupyterLab command of TEACHING.md serve the course folder, as the README's does?"""
    text = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    commands = re.findall(r"`(python -m jupyter (?:lab|notebook)[^`]*)`", text)
    assert commands
    assert all("--notebook-dir . notebooks/" in command for command in commands), commands


# ------------------------------------------------------------------- the wrong-kernel guard

_GUARD_END = "\n    )\n"


def _first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def _notebooks() -> list[Path]:
    return sorted(
        path for folder in ("notebooks", "solutions", "exercises") for path in (ROOT / folder).glob("*.ipynb")
    )


def test_every_notebook_opens_with_the_same_wrong_kernel_guard() -> None:
    """Does every lesson, solution and exercise notebook start with one identical guard?"""
    guards = {}
    for path in _notebooks():
        source = _first_code_cell(path)
        assert 'find_spec("course_utils") is None' in source, path.name
        guards[path.relative_to(ROOT).as_posix()] = source[: source.index(_GUARD_END) + len(_GUARD_END)]
    assert len(set(guards.values())) == 1, "the guards differ between notebooks"


def test_guard_tells_a_wrong_kernel_what_to_do(tmp_path: Path) -> None:
    """Run in a Python that lacks course_utils, does the guard name the fix (kernel or install)?"""
    guard = _first_code_cell(ROOT / "exercises" / "01-why-nonlinearity.ipynb")
    guard = guard[: guard.index(_GUARD_END) + len(_GUARD_END)]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # -S: no site-packages (where an installed course_utils lives), -I: no cwd or PYTHONPATH
    run = subprocess.run(
        [sys.executable, "-S", "-I", "-c", guard], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    message = run.stderr.strip()
    message = message[message.index("ModuleNotFoundError: ") :]
    assert message.startswith("ModuleNotFoundError: The course is not installed for this kernel's Python")
    for words in (
        "python -m pip install -r requirements.txt",
        "Change Kernel",
        "Select Kernel",
        sys.executable,
        "本课程没有安装在这个内核所用的 Python 中",  # and in Chinese, for the Chinese edition
    ):
        assert words in message, words
    # with the course importable, the guard is silent
    ok = subprocess.run(
        [sys.executable, "-c", guard],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
    )
    assert ok.returncode == 0, ok.stderr


# ------------------------------------------------------------- JupyterLab as the README says


class ReadmeLab(LabServer):
    """JupyterLab started with the README's start command, run from the course folder.

    Only what a test needs is added to the command: no browser, loopback, a free port, no
    token, and JupyterLab's settings (no news pop-up, no autosave) from ``home``.
    """

    def command(self) -> tuple[list[str], Path]:
        """The README's start command (with the test options), run from the course folder."""
        words = shlex.split(readme_start_command())
        assert words[:4] == ["python", "-m", "jupyter", "lab"], words
        return [sys.executable, "-m", "jupyter", "lab", *self.options(), *words[4:]], self.root_dir

    def opened(self) -> str:
        """The URL the server asks the browser to open (from the file it writes for that)."""
        assert self.proc is not None
        page = self.home / "runtime" / f"jpserver-file-to-run-{self.proc.pid}-open.html"
        match = re.search(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
        assert match, page.read_text(encoding="utf-8")
        return match.group(1)


def _copy_course(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.egg-info")
    for name in (
        "notebooks",
        "exercises",
        "solutions",
        "course_utils",
        "README.md",
        "LICENSE",
        "requirements.txt",
    ):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copyfile(source, target / name)
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadmeLab]:
    course = _copy_course(tmp_path_factory.mktemp("course"))
    server = ReadmeLab(course, tmp_path_factory.mktemp("lab-home"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_start_command_serves_the_course_folder_and_opens_lesson_0(lab: ReadmeLab) -> None:
    """Does the server list notebooks/, exercises/ and README.md, and open lesson 0?"""
    names = {item["name"] for item in lab.api("api/contents")["content"]}
    assert {"notebooks", "exercises", "README.md"} <= names, names
    lesson = next(item for item in LESSONS if item.has_exercises)
    assert lab.api(f"api/contents/exercises/{lesson.filename}?content=0")["type"] == "notebook"
    assert lab.opened().split("?")[0].endswith("/notebooks/00-start-here.ipynb"), lab.opened()
    with pytest.raises(urllib.error.HTTPError):
        lab.api("api/contents/00-start-here.ipynb?content=0")  # the root is the course, not notebooks/


@pytest.fixture(scope="module")
def sync_api() -> Any:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): the browser test needs it")
    try:
        import playwright.sync_api as sync_api
    except ImportError as exc:
        message = f"playwright is not importable ({exc}); pip install playwright (never `playwright install`)"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true and {CHROMIUM} exists, but {message}")
        pytest.skip(message)
    return sync_api


_CURRENT_PATH = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return widget && widget.context ? widget.context.path : null;
}"""


@pytest.mark.browser
def test_lesson_links_open_the_exercise_and_the_contents(sync_api: Any, lab: ReadmeLab) -> None:
    """In JupyterLab, does lesson 1's "Exercises" link open the exercise notebook, and its
    "Contents" link the README -- with no "file not found" on the way?"""
    lesson = next(item for item in LESSONS if item.has_exercises)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden) "
    logged = len(lab.log(tail=1_000_000))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{lab.url}lab/tree/notebooks/{lesson.filename}?reset", timeout=OPEN_TIMEOUT_MS)
            page.wait_for_function(
                f"(path) => ({_CURRENT_PATH})() === path",
                arg=f"notebooks/{lesson.filename}",
                timeout=OPEN_TIMEOUT_MS,
            )
            link = page.locator(
                panel + ".jp-RenderedMarkdown a", has_text=f"{lesson.title} — exercises"
            ).first
            link.click(timeout=OPEN_TIMEOUT_MS)
            page.wait_for_function(
                f"(path) => ({_CURRENT_PATH})() === path",
                arg=f"exercises/{lesson.filename}",
                timeout=OPEN_TIMEOUT_MS,
            )
            page.wait_for_selector(panel + ".jp-Cell", timeout=OPEN_TIMEOUT_MS)
            title = page.locator(panel + ".jp-RenderedMarkdown h1").first.text_content(
                timeout=OPEN_TIMEOUT_MS
            )
            page.locator(panel + ".jp-RenderedMarkdown a", has_text="Contents").first.click(
                timeout=OPEN_TIMEOUT_MS
            )
            page.wait_for_function(f"() => ({_CURRENT_PATH})() === 'README.md'", timeout=OPEN_TIMEOUT_MS)
            dialogs = page.locator(".jp-Dialog").all_text_contents()
        finally:
            browser.close()
    assert "exercises" in (title or "").lower(), title
    assert not dialogs, dialogs
    served = lab.log(tail=1_000_000)[logged:]
    # the links followed resolve (a 404 of another file, e.g. one JupyterLab restores from its
    # workspace while the page loads, is not what this test is about)
    followed = r"\b404 GET /api/contents/(exercises/|README\.md|notebooks/01-)"
    assert not re.search(followed, served), served[-4000:]
