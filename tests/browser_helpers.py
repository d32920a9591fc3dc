"""A throw-away JupyterLab server and notebook page actions (browser tests, ``benchmarks/browser.py``).

:class:`LabServer` runs JupyterLab on loopback with every Jupyter folder (config, data,
runtime, settings, workspaces, IPython) in a temporary directory, no token, autosave off and
a ``python3`` kernelspec pointing at the caller's own Python. :func:`slider_notebook`
reduces a lesson to its set-up cell and its slider cells. The page functions drive one
notebook in a Playwright page: wait until the kernel is idle, run all cells, collect error
outputs, wait for the widgets. What is done to the sliders themselves (find them, move one
with the keyboard while watching its image, time key presses to the painted image) is in
``slider_actions.py``.

Playwright is imported only by the caller (a test or the benchmark), so importing this
module is cheap. The benchmark imports it with ``tests/`` put on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
KERNEL_DISPLAY_NAME = "Python 3 (course test)"
"""Display name of the test's kernelspec: the toolbar showing it proves Lab picked our kernel."""

SETTINGS_OVERRIDES: dict[str, dict[str, Any]] = {
    # the news / update popup covers the lower right of the page
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # never write outputs back to disk
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # every cell attached to the DOM (no lazy rendering)
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TOP_OUTPUTS = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
ERROR_SELECTORS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
    ".jp-RenderedText[data-mime-type*=error]",
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago.

    Examples
    --------
    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_kernelspec(data_dir: Path, python: str = sys.executable) -> Path:
    """Write ``data_dir/kernels/python3/kernel.json`` running ipykernel under ``python``.

    Examples
    --------
    >>> import tempfile
    >>> spec = write_kernelspec(Path(tempfile.mkdtemp()), "/usr/bin/python3")
    >>> json.loads(spec.read_text())["argv"][:3]
    ['/usr/bin/python3', '-m', 'ipykernel_launcher']
    """
    spec_dir = data_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": False},
    }
    path = spec_dir / "kernel.json"
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


class LabServer:
    """JupyterLab serving ``root_dir`` on 127.0.0.1, isolated in ``home``.

    Parameters
    ----------
    root_dir : Path
        The folder Lab serves (the notebooks' copies).
    home : Path
        An empty temporary folder for Jupyter's config, data, runtime and settings.
    """

    def __init__(self, root_dir: Path, home: Path) -> None:
        self.root_dir = Path(root_dir)
        self.home = Path(home)
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.log_path = self.home / "lab.log"

    def env(self) -> dict[str, str]:
        """The server's environment: every Jupyter folder inside ``home``."""
        env = dict(os.environ)
        data = self.home / "data"
        env.update(
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_DATA_DIR=str(data),
            JUPYTER_PATH=str(data),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(self.home / "user-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            IPYTHONDIR=str(self.home / "ipython"),
            JUPYTER_PLATFORM_DIRS="0",
        )
        env.pop("JUPYTER_PREFER_ENV_PATH", None)
        return env

    def options(self) -> list[str]:
        """What every test server needs: no browser, loopback, a free port, no token, our settings."""
        return [
            "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={free_port()}", "--ServerApp.port_retries=20",
            "--IdentityProvider.token=", "--ServerApp.password=",
            f"--LabApp.app_settings_dir={self.home / 'app-settings'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip

    def command(self) -> tuple[list[str], Path]:
        """The command line and its working directory: Lab serving ``root_dir``."""
        root = f"--ServerApp.root_dir={self.root_dir}"
        return [sys.executable, "-m", "jupyter", "lab", *self.options(), root], self.home

    def start(self, timeout: float = 90.0) -> str:
        """Start Lab and wait until its REST API answers; returns the base URL."""
        for name in ("config", "data", "runtime", "user-settings", "workspaces", "ipython", "app-settings"):
            (self.home / name).mkdir(parents=True, exist_ok=True)
        write_kernelspec(self.home / "data")
        (self.home / "app-settings" / "overrides.json").write_text(
            json.dumps(SETTINGS_OVERRIDES, indent=1), encoding="utf-8"
        )
        cmd, cwd = self.command()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=self.env(), stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        deadline = time.monotonic() + timeout
        info = self.home / "runtime" / f"jpserver-{self.proc.pid}.json"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with status {self.proc.returncode}:\n{self.log()}")
            if info.is_file():
                try:
                    self.url = json.loads(info.read_text(encoding="utf-8"))["url"].rstrip("/") + "/"
                    self.api("api/status")
                    return self.url
                except (ValueError, KeyError, OSError):
                    pass
            time.sleep(0.25)
        raise TimeoutError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log()}")

    def log(self, tail: int = 4000) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except OSError:
            return ""

    def api(self, path: str, method: str = "GET") -> Any:
        """Call the REST API; returns the decoded JSON (None for an empty answer)."""
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel (frees the CPU and memory of finished notebooks)."""
        for session in self.api("api/sessions"):
            try:
                self.api(f"api/sessions/{session['id']}", method="DELETE")
            except urllib.error.HTTPError:
                pass
        for kernel in self.api("api/kernels"):
            try:
                self.api(f"api/kernels/{kernel['id']}", method="DELETE")
            except urllib.error.HTTPError:
                pass

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the server by PID (it shuts its kernels down), SIGKILL if it lingers.

        Kernels are shut down through the API first, so that none outlives a SIGKILL.
        """
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.shutdown_kernels()
        except (OSError, ValueError):
            pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=grace)


def slider_notebook(path: Path) -> Any:
    """The notebook at ``path`` reduced to its first code cell (the imports) and its slider cells.

    A slider cell is a code cell calling ``BUILDERS[...]`` (every slider of the course is
    built so, from nothing but the imports); cells keep their ids and metadata.

    Returns
    -------
    nbformat.NotebookNode
        The reduced notebook (version 4), ready for ``nbformat.write``.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    nb.cells = [code[0], *(cell for cell in code[1:] if "BUILDERS[" in cell.source)]
    return nb


# -- page actions ---------------------------------------------------------------------------


def open_notebook(page: Any, url: str, timeout_ms: float) -> None:
    """Open a notebook with a fresh workspace and wait until its kernel is ours and idle."""
    page.goto(url + "?reset", wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(
        """(name) => {
            const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
            const kernel = document.querySelector(panel + '.jp-Toolbar-kernelName');
            const state = document.querySelector(panel + '.jp-Notebook-ExecutionIndicator');
            return !!window.jupyterapp && kernel && kernel.textContent.trim() === name
                && state && state.getAttribute('data-status') === 'idle'
                && document.querySelectorAll('.jp-Notebook .jp-Cell').length > 0;
        }""",
        arg=KERNEL_DISPLAY_NAME,
        timeout=timeout_ms,
        polling=250,
    )


def run_all(page: Any, timeout_ms: float) -> None:
    """Run every cell (the ``notebook:run-all-cells`` command) and wait until all have run.

    Done means: the command's promise settled, the kernel is idle and every code cell shows
    an execution count -- or a cell failed, leaving the cells after it unrun.
    """
    page.evaluate(
        """() => {
            window.__courseRunAll = undefined;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                () => { window.__courseRunAll = 'done'; },
                (err) => { window.__courseRunAll = 'error: ' + err; });
        }"""
    )
    page.wait_for_function(
        """([stderr, rendered]) => {
            if (window.__courseRunAll === undefined) return false;
            const state = document.querySelector('.jp-Notebook-ExecutionIndicator');
            if (!state || state.getAttribute('data-status') !== 'idle') return false;
            const failed = document.querySelector('.jp-Notebook ' + rendered)
                || Array.from(document.querySelectorAll('.jp-Notebook ' + stderr))
                    .some((e) => e.textContent.includes('Traceback'));
            if (failed) return true;
            const prompts = Array.from(
                document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'));
            return prompts.every((p) => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
        }""",
        arg=list(ERROR_SELECTORS),
        timeout=timeout_ms,
        polling=500,
    )
    result = page.evaluate("() => window.__courseRunAll")
    if result != "done":
        raise AssertionError(f"notebook:run-all-cells failed: {result}")


def error_outputs(page: Any) -> list[str]:
    """Texts of the error outputs in the notebook (tracebacks on stderr, error outputs)."""
    return page.evaluate(
        """() => {
            const found = [];
            for (const el of document.querySelectorAll(
                    '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
                if (el.textContent.includes('Traceback')) found.push(el.textContent);
            }
            const rendered = '.jp-Notebook .jp-RenderedText[data-mime-type*=error]';
            for (const el of document.querySelectorAll(rendered)) {
                found.push(el.textContent);
            }
            for (const el of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
                if (el.textContent.includes('Error displaying widget')) found.push(el.textContent);
            }
            return found;
        }"""
    )


def wait_for_widgets(page: Any, timeout_ms: float) -> int:
    """Wait until every widget output of the notebook has rendered; returns how many there are.

    The expected number comes from the notebook's model (outputs carrying the widget-view
    MIME type); a rendered one is a cell output holding a ``.jupyter-widgets`` element.
    """
    expected = page.evaluate(_MODEL_WIDGET_OUTPUTS, WIDGET_VIEW)
    page.wait_for_function(
        """([sel, n]) => Array.from(document.querySelectorAll('.jp-Notebook ' + sel))
            .filter((el) => el.querySelector('.jupyter-widgets')
                            || el.textContent.includes('Error displaying widget')).length >= n""",
        arg=[TOP_OUTPUTS, expected],
        timeout=timeout_ms,
        polling=250,
    )
    return int(expected)


_MODEL_WIDGET_OUTPUTS = """(mime) => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    let n = 0;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        for (let j = 0; j < cell.outputs.length; j++) {
            if (cell.outputs.get(j).data[mime]) n++;
        }
    }
    return n;
}"""
