"""Sphinx configuration of the course site (MyST-NB and sphinx-book-theme, Jupyter Book's stack).

One configuration serves every edition: :func:`course_tools.site.build.build_site` runs Sphinx
once per language with this folder as its configuration folder and overrides ``project``,
``language``, ``mathjax_path`` and ``html_context`` for the edition. Notebooks arrive
executed (``nb_execution_mode = "off"``); nothing a page loads comes from the network.
"""

extensions = ["myst_nb"]

# ------------------------------------------------------------------------------ sources
exclude_patterns = ["**.ipynb_checkpoints"]
nb_execution_mode = "off"  # the build executes the notebooks before Sphinx runs
nb_output_stderr = "show"
nb_merge_streams = True
nb_ipywidgets_js = {}  # widgets arrive as their static figure; no widget JavaScript from a CDN
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
myst_update_mathjax = False  # its settings are for MathJax 3+, the site ships MathJax 2
nitpicky = True
suppress_warnings = ["mystnb.unknown_mime_type"]

# ------------------------------------------------------------------------------ maths (offline)
# MathJax 2.7 is copied from jupyter-server-mathjax into the site's _static/mathjax/ by the build.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": True,
    },
    "TeX": {"equationNumbers": {"autoNumber": "AMS", "useLabelIds": True}},
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "imageFont": None, "webFont": "STIX-Web"},
    "messageStyle": "none",
}

# ------------------------------------------------------------------------------ pages
html_theme = "sphinx_book_theme"
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "language-switch.html", "sbt-sidebar-nav.html"]
}
templates_path = ["templates"]
html_static_path = ["static"]
html_css_files = ["course.css"]
html_sourcelink_suffix = ""  # the download link names the notebook itself (``.ipynb``)
html_copy_source = True
html_show_sphinx = False
html_last_updated_fmt = None
html_context = {"course_editions": []}


def _title_in_the_sidebar(app, config):
    """Show the edition's title (``project``, set per edition) at the top of the sidebar."""
    config.html_theme_options = {**config.html_theme_options, "logo": {"text": config.project}}


def setup(app):
    """Load MathJax on every page (the contents page quotes lesson text with maths too), title
    the sidebar with the edition's title, and search the Chinese edition with a working index."""
    from course_tools.site.search import CourseChinese

    app.set_html_assets_policy("always")
    app.add_search_language(CourseChinese)
    app.connect("config-inited", _title_in_the_sidebar)
