"""The course's static web site, built with Sphinx, MyST-NB and sphinx-book-theme.

Command line::

    python -m course_tools.site --out _site              # both editions, every notebook executed
    python -m course_tools.site --out _site --lang zh    # the Chinese edition only
    python -m course_tools.site --out _site -j 4         # four notebooks executed at once

The site mirrors the repository: ``notebooks/NN-slug.html``, ``exercises/NN-slug.html`` and
the contents page ``index.html`` (its table of contents generated from
:data:`course_utils.course.LESSONS`); the Chinese edition has the same layout under ``zh/``.
Every page shows its notebook executed, with figures, maths typeset by a local MathJax,
search, previous/next links, a link to the page in the other language and a download link
to the notebook. ``solutions/`` is never published. Everything a page needs is in the site
folder, so it reads offline (a classroom with bad Wi-Fi, a laptop on a train).

* :mod:`course_tools.site.build` — :func:`build_site` and its :class:`SiteReport`;
* :mod:`course_tools.site.pages` — the pages, their links and widgets made static, contents pages;
* :mod:`course_tools.site.staging` — each page's executed notebook staged for Sphinx (a translation
  that executes as its English notebook takes that notebook's outputs);
* :mod:`course_tools.site.links` — the checks of the built HTML (links, web resources);
* :mod:`course_tools.site.search` — the Chinese edition's search index;
* :mod:`course_tools.site.assets` — MathJax and reveal.js copied from installed packages
  (shared with :mod:`course_tools.slides`);
* ``conf.py``, ``templates/``, ``static/`` — the Sphinx configuration.
"""

from course_tools.site.assets import (
    ASSETS_DIR,
    MATHJAX_HTML,
    OFFLINE_ASSETS,
    asset_source,
    copy_assets,
    mathjax_url,
    offline_template_loader,
)
from course_tools.site.build import SiteReport, build_site
from course_tools.site.cli import main
from course_tools.site.links import broken_links, find_links, remote_resources
from course_tools.site.pages import SITE_FOLDERS, Page, page_sources, static_widgets

__all__ = [
    "ASSETS_DIR",
    "MATHJAX_HTML",
    "OFFLINE_ASSETS",
    "SITE_FOLDERS",
    "Page",
    "SiteReport",
    "asset_source",
    "broken_links",
    "build_site",
    "copy_assets",
    "find_links",
    "main",
    "mathjax_url",
    "offline_template_loader",
    "page_sources",
    "remote_resources",
    "static_widgets",
]
