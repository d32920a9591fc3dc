"""The teacher's guide's lesson plans in translation, kept in step like the notebooks.

``TEACHING.md`` holds one section per lesson (``## Lesson 3 · ReLU and dead neurons (60 min)``)
and then the guide's other parts (grading, JupyterHub). ``zh/TEACHING.md`` translates the
lesson-plan sections. Each translated section starts with an HTML comment naming the English
section and the :func:`course_tools.translation.source_hash` of its text::

    <!-- translates TEACHING.md "Lesson 3" 1f0c2e9a7b3d4c5e -->
    ## 第 3 课 · ReLU 与死亡神经元（60 分钟）

When the English section changes, the hash no longer matches and :func:`stale_plans` names
the section. ``python -m course_tools.translation plan 3`` prints the comment line for the
current English section.
"""

from __future__ import annotations

import re

from course_tools.translation import source_hash
from course_utils.course import ROOT

GUIDE = "TEACHING.md"
"""The English teacher's guide, relative to the course root (and, translated, to ``zh/``)."""

_PLAN = re.compile(r"^## Lesson (\d+) ·")
_MARKER = re.compile(r'<!-- translates TEACHING\.md "Lesson (\d+)" ([0-9a-f]{16}) -->')


def lesson_plans(text: str) -> dict[str, str]:
    """The lesson-plan sections of the English guide: lesson number -> section text.

    A section runs from its ``## Lesson N ·`` heading to the next ``##`` heading; the
    trailing rule (``---``) and blank lines are not part of it.

    >>> lesson_plans("# G\\n\\n## Lesson 1 · Why (60 min)\\n\\nPlan.\\n\\n---\\n\\n## Grading\\n")
    {'1': '## Lesson 1 · Why (60 min)\\n\\nPlan.'}
    """
    plans = {}
    for part in re.split(r"(?m)^(?=## )", text):
        match = _PLAN.match(part)
        if match:
            plans[match.group(1)] = re.sub(r"\s*(?:\n---\s*)*$", "", part)
    return plans


def marker(lesson: str, english_text: str) -> str:
    """The comment line a translated section starts with, for the current English section."""
    return (
        f'<!-- translates TEACHING.md "Lesson {lesson}" {source_hash(lesson_plans(english_text)[lesson])} -->'
    )


def stale_plans(english_text: str, translated_text: str, *, untranslated: bool = True) -> list[str]:
    """Lesson plans whose translation is missing or older than the English section.

    Parameters
    ----------
    english_text, translated_text : str
        ``TEACHING.md`` and its translation.
    untranslated : bool, optional
        Also report plans without a translation (default).

    Returns
    -------
    list of str
        One line per problem, naming the section by its English heading.

    Examples
    --------
    >>> english = "## Lesson 1 · Why (60 min)\\n\\nPlan."
    >>> stale_plans(english, marker("1", english) + "\\n## 第 1 课\\n\\n计划。")
    []
    >>> stale_plans(english + " More.", marker("1", english) + "\\n## 第 1 课\\n\\n计划。")
    ['Lesson 1 (`## Lesson 1 · Why (60 min)`): the English section changed since it was translated']
    """
    recorded = dict(_MARKER.findall(translated_text))
    problems = []
    plans = lesson_plans(english_text)
    for lesson, section in plans.items():
        where = f"Lesson {lesson} (`{section.splitlines()[0]}`)"
        if lesson not in recorded:
            if untranslated:
                problems.append(f"{where}: not translated yet")
        elif recorded[lesson] != source_hash(section):
            problems.append(f"{where}: the English section changed since it was translated")
    problems += [f"Lesson {lesson}: no such section in {GUIDE}" for lesson in recorded if lesson not in plans]
    return problems


def guide_report(language: str, *, untranslated: bool = True) -> list[str]:
    """:func:`stale_plans` of the repository's guide and its translation into ``language``."""
    target = ROOT / language / GUIDE
    if not target.is_file():
        return [f"{language}/{GUIDE} is missing"]
    english = (ROOT / GUIDE).read_text(encoding="utf-8")
    return stale_plans(english, target.read_text(encoding="utf-8"), untranslated=untranslated)
