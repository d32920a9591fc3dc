"""The web assets the site and the slides copy next to their pages, so they read offline.

MathJax 2.7 comes from ``jupyter-server-mathjax`` (the Jupyter project's offline copy),
reveal.js 5 from ``sphinx-revealjs`` (only its static files are used). Both are in
``requirements-dev.txt``; a build copies them into ``_static/``, and no page fetches anything
from the network.
"""

from __future__ import annotations

import importlib.util
import posixpath
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "ASSETS_DIR",
    "MATHJAX_CONFIG",
    "MATHJAX_HTML",
    "OFFLINE_ASSETS",
    "asset_source",
    "copy_assets",
    "mathjax_url",
    "offline_template_loader",
]

ASSETS_DIR = "_static"
"""Folder of the site (and of the slides) holding the copied web assets."""

OFFLINE_ASSETS: dict[str, tuple[str, str]] = {
    "mathjax": ("jupyter_server_mathjax", "static"),
    "revealjs": ("sphinx_revealjs", "_static/revealjs"),
}
"""Web asset -> (installed Python package shipping it, folder inside that package)."""

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
"""The MathJax 2 combined configuration the pages load (the one ``jupyter-server-mathjax`` ships)."""

MATHJAX_HTML = (
    (Path(__file__).parent / "templates" / "mathjax2.html").read_text(encoding="utf-8").rstrip("\n")
)
"""How a page made by nbconvert (the slides) loads MathJax 2 (``{url}``: see :func:`mathjax_url`):
the configuration of nbconvert's templates, with the STIX-Web fonts ``jupyter-server-mathjax`` ships."""


def asset_source(name: str) -> Path:
    """The installed folder holding the web asset ``name`` (a key of :data:`OFFLINE_ASSETS`).

    The package is located without being imported.

    Parameters
    ----------
    name : str
        ``"mathjax"`` or ``"revealjs"``.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        If ``name`` is unknown.
    RuntimeError
        If the package that ships the asset is not installed.

    Examples
    --------
    >>> (asset_source("mathjax") / "MathJax.js").is_file()
    True
    """
    if name not in OFFLINE_ASSETS:
        raise ValueError(f"name: expected one of {sorted(OFFLINE_ASSETS)}, got {name!r}")
    package, folder = OFFLINE_ASSETS[name]
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        source = Path(location) / folder
        if source.is_dir():
            return source
    raise RuntimeError(
        f"{name} is copied from the Python package {package!r}, which is not installed: run "
        "`python -m pip install -r requirements-dev.txt` (no network is needed once it is installed)"
    )


def copy_assets(out: str | Path, names: Sequence[str] = ("mathjax",)) -> list[str]:
    """Copy the web assets ``names`` into ``out/_static/<name>/``.

    Parameters
    ----------
    out : str or Path
        The site (or slides) folder.
    names : sequence of str
        Keys of :data:`OFFLINE_ASSETS`.

    Returns
    -------
    list of str
        The asset folders written, relative to ``out`` (e.g. ``"_static/mathjax"``).
    """
    written = []
    for name in names:
        target = Path(out) / ASSETS_DIR / name
        shutil.copytree(
            asset_source(name), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.map")
        )
        written.append(f"{ASSETS_DIR}/{name}")
    return written


def mathjax_url(page_dir: str) -> str:
    """The URL of the copied MathJax, relative to a page in ``page_dir`` of the site.

    Parameters
    ----------
    page_dir : str
        The page's folder relative to the site (``""`` for the top level).

    Returns
    -------
    str

    Examples
    --------
    >>> mathjax_url("notebooks")
    '../_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe'
    """
    script = posixpath.relpath(f"{ASSETS_DIR}/mathjax/MathJax.js", page_dir or ".")
    return f"{script}?config={MATHJAX_CONFIG}"


def offline_template_loader(templates: dict[str, str]) -> Any:
    """A Jinja loader for nbconvert holding small template overrides (the slides' template).

    Parameters
    ----------
    templates : dict
        Template name -> template text.

    Returns
    -------
    jinja2.DictLoader
    """
    import jinja2

    return jinja2.DictLoader(templates)
