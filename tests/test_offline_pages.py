"""Do the site and the slides show their maths and slides with no network at all?

One lesson (02, rich in maths) is converted without execution into a site and into a slide
deck in a temporary folder (maths needs no execution, so this stays fast). Headless Chromium
(Debian's ``/usr/bin/chromium`` through Playwright, never ``playwright install``) then opens
each file with every non-``file:`` request aborted, as on a train or in a classroom without
Wi-Fi: the page must ask the network for nothing, every file it loads must exist, MathJax must
have typeset the maths (no ``$...$`` left in the prose) and the deck must be a reveal.js deck of
separate slides. Set ``COURSE_SCREENSHOT_DIR`` to keep a screenshot of each.

Skips without Chromium; with Chromium but without Playwright it skips, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS

from course_tools.site import build_site, find_links
from course_tools.slides import export_slides
from course_utils.course import ROOT, lesson

LESSON = lesson("02")
LOAD_TIMEOUT_MS = 60_000

_RAW_MATHS = """() => {
    // text of the page outside code, scripts and styles: prose maths left untypeset shows as $...$
    const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA']);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => {
            for (let el = node.parentElement; el; el = el.parentElement) {
                if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT;
            }
            return NodeFilter.FILTER_ACCEPT;
        }});
    const found = [];
    while (walker.nextNode()) {
        const hits = walker.currentNode.textContent.match(/\\$[^$\\n]+\\$/g);
        if (hits) found.push(...hits);
    }
    return found;
}"""

_TYPESET = """() => new Promise((resolve) => {
    // MathJax 2 runs its queue in order: this callback runs once the first typeset is done
    MathJax.Hub.Queue(() => resolve(document.querySelectorAll('.MathJax, .MathJax_Display').length));
})"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def sync_api() -> Any:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): the offline test needs it")
    try:
        import playwright.sync_api as sync_api
    except ImportError as exc:
        message = f"playwright is not importable ({exc}); pip install playwright (never `playwright install`)"
        if _in_ci():
            pytest.fail(f"CI=true and {CHROMIUM} exists, but {message}")
        pytest.skip(message)
    return sync_api


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One lesson's site page and slide deck, built from a copy of the course holding only it."""
    base = tmp_path_factory.mktemp("offline")
    root = base / "course"
    (root / "notebooks").mkdir(parents=True)
    for name in ("README.md", "LICENSE"):
        shutil.copyfile(ROOT / name, root / name)
    shutil.copyfile(ROOT / "notebooks" / LESSON.filename, root / "notebooks" / LESSON.filename)
    # the stored notebook, not executed: maths needs no execution (the course root is its own
    # folder of "executed" notebooks)
    report = build_site(base / "site", root=root, executed_dir=root, lang="en")
    assert not report.remote, report.remote  # (links to the lessons left out do not resolve here)
    deck = export_slides(LESSON, base / "slides", root=root)
    return {
        "page": report.out / f"notebooks/{LESSON.slug}.html",
        "index": report.out / "index.html",
        "deck": deck,
    }


@dataclass
class Visit:
    """What happened while a page loaded offline."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield chromium
        finally:
            chromium.close()


def _offline_page(browser: Any) -> tuple[Any, Visit]:
    """A page whose every request other than ``file:`` is aborted (and recorded)."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    visit = Visit()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            visit.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: visit.failed.append(request.url))
    return page, visit


def _missing(visit: Visit) -> list[str]:
    """Failed local loads, except MathJax's probe for the optional TeX fonts (``.otf``): that
    package ships the STIX-Web fonts the pages use, and MathJax falls back without a sound."""
    return [
        url
        for url in visit.failed
        if not url.startswith("about:") and not re.search(r"/fonts/HTML-CSS/TeX/otf/[^/]+\.otf$", url)
    ]


def _screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("COURSE_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def test_built_pages_name_no_url_on_the_internet(built: dict[str, Path]) -> None:
    """Does every script, style sheet and image of the page, index and deck come from a local file?"""
    tag = re.compile(r"<(script|link|img)\b[^>]*>", re.IGNORECASE)
    for name, path in built.items():
        text = path.read_text(encoding="utf-8")
        remote = [
            url
            for element in tag.finditer(text)
            for url in find_links(element.group(0))
            if re.match(r"(?i)(https?:)?//", url)
        ]
        assert not remote, (name, remote)
        assert "cdn" not in " ".join(find_links(text)).lower(), name


def test_site_page_typesets_its_maths_offline(browser: Any, built: dict[str, Path]) -> None:
    """With the network cut, does the lesson page load only local files and typeset its maths?"""
    page, visit = _offline_page(browser)
    try:
        page.goto(built["page"].as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        typeset = page.evaluate(_TYPESET)
        raw = page.evaluate(_RAW_MATHS)
        _screenshot(page, "site-page-offline.png")
    finally:
        page.close()
    assert not visit.blocked, f"the page asked the network for {visit.blocked}"
    assert not _missing(visit), f"local files missing: {_missing(visit)}"
    assert typeset >= 20, f"only {typeset} typeset formulas"
    assert not raw, f"maths left as TeX: {raw[:5]}"


def test_contents_page_loads_offline(browser: Any, built: dict[str, Path]) -> None:
    """Does the contents page load with no request leaving the machine and no missing file?"""
    page, visit = _offline_page(browser)
    try:
        page.goto(built["index"].as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.evaluate(_TYPESET)
        title = page.title()
    finally:
        page.close()
    assert not visit.blocked and not _missing(visit), (visit.blocked, _missing(visit))
    assert "Activation functions" in title


def test_slides_are_separate_slides_with_maths_offline(browser: Any, built: dict[str, Path]) -> None:
    """With the network cut, is the deck a reveal.js deck of separate slides, its maths typeset?"""
    page, visit = _offline_page(browser)
    try:
        page.goto(built["deck"].as_uri() + "#/2", wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=LOAD_TIMEOUT_MS)
        typeset = page.evaluate(_TYPESET)
        deck = page.evaluate(
            """() => ({
                total: Reveal.getTotalSlides(),
                index: Reveal.getIndices().h,
                shown: Array.from(document.querySelectorAll('.reveal .slides > section'))
                    .filter((s) => getComputedStyle(s).display !== 'none'
                                   && s.classList.contains('present')).length,
            })"""
        )
        _screenshot(page, "slide-offline.png")
        before = page.evaluate("() => Reveal.getIndices()")
        page.evaluate("() => Reveal.next()")
        after = page.evaluate("() => Reveal.getIndices()")
        raw = page.evaluate(_RAW_MATHS)
    finally:
        page.close()
    assert not visit.blocked, f"the deck asked the network for {visit.blocked}"
    assert not _missing(visit), f"local files missing: {_missing(visit)}"
    assert deck["total"] > 5 and deck["index"] == 2 and deck["shown"] == 1, deck
    assert after != before, "Reveal.next() did not move to another slide"
    assert typeset >= 10, f"only {typeset} typeset formulas on the slides"
    assert not raw, f"maths left as TeX: {raw[:5]}"


def test_a_missing_asset_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the package that ships an asset, does the build say which file to install?"""
    import course_tools.site.assets as assets

    monkeypatch.setitem(assets.OFFLINE_ASSETS, "mathjax", ("no_such_asset_package", "static"))
    with pytest.raises(RuntimeError, match="requirements-dev.txt"):
        assets.asset_source("mathjax")
    with pytest.raises(ValueError, match="name"):
        assets.asset_source("katex")
