"""The course's fixed structure: lesson numbers, file names and titles.

Navigation cells, the exercise generator, the site builder and the class grader all read
the lesson list from here, so a lesson is named in one place.
"""

from __future__ import annotations

import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course.

    Attributes
    ----------
    number : str
        Two-digit lesson number, e.g. ``"01"``.
    slug : str
        File stem shared by ``notebooks/``, ``exercises/`` and ``solutions/``.
    title : str
        Human-readable title.
    minutes : int
        Suggested study time for the lesson notebook and its exercises.
    has_exercises : bool
        Whether an exercise notebook exists (lesson 0 has none).
    """

    number: str
    slug: str
    title: str
    minutes: int
    has_exercises: bool = True

    @property
    def filename(self) -> str:
        """The notebook file name, e.g. ``"01-why-nonlinearity.ipynb"``."""
        return f"{self.slug}.ipynb"

    def title_in(self, language: str = "en") -> str:
        """The title in ``language`` (``"en"`` or a key of :data:`TITLES`).

        >>> LESSONS_BY_NUMBER["02"].title_in("zh")
        'Sigmoid 与 tanh 的饱和'
        """
        if language == "en":
            return self.title
        if language not in TITLES:
            raise ValueError(f"language: expected 'en' or one of {sorted(TITLES)}, got {language!r}")
        return TITLES[language][self.number]


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00-start-here", "Start here", 20, has_exercises=False),
    Lesson("01", "01-why-nonlinearity", "Why nonlinearity", 60),
    Lesson("02", "02-sigmoid-tanh-saturation", "Sigmoid and tanh saturation", 60),
    Lesson("03", "03-relu-dead-neurons", "ReLU and dead neurons", 60),
    Lesson("04", "04-elu-selu-self-normalisation", "ELU and SELU self-normalisation", 60),
    Lesson("05", "05-gelu-swish", "GELU and Swish", 50),
    Lesson("06", "06-softmax-temperature", "Softmax and temperature", 60),
    Lesson("07", "07-choosing-an-activation", "Choosing an activation", 70),
)

TITLES: dict[str, dict[str, str]] = {
    "zh": {
        "00": "从这里开始",
        "01": "为什么需要非线性",
        "02": "Sigmoid 与 tanh 的饱和",
        "03": "ReLU 与死亡神经元",
        "04": "ELU、SELU 与自归一化",
        "05": "GELU 与 Swish",
        "06": "Softmax 与温度",
        "07": "如何选择激活函数",
    },
}
"""Lesson titles of the translated editions: language -> lesson number -> title."""

LESSONS_BY_NUMBER: dict[str, Lesson] = {lesson.number: lesson for lesson in LESSONS}

ROOT: Path = Path(__file__).resolve().parent.parent
"""The course's root folder (holding ``notebooks/``, ``exercises/``, ``solutions/``)."""


_WRITTEN_NUMBER = re.compile(r"(?:lesson)?([0-9]+)", re.IGNORECASE)
_FILE_NAME = re.compile(r"([0-9]{2})-.+")


def lesson_number(value: object) -> str | None:
    """The two-digit lesson number that ``value`` names, or None if it names no lesson number.

    The one place where the course reads a lesson number: the class grader (``--lesson`` and
    a notebook's metadata), the exercise registry, the translation tools and the test suite
    all call it. Whether the course *has* that lesson is :func:`lesson`'s question.

    Parameters
    ----------
    value : object
        An int (``1``; an integral float such as ``1.0`` too), digits (``"1"``, ``"01"``),
        a module name (``"lesson01"``) or a notebook's file name or path whose name starts
        with the number and a hyphen (``"01-why-nonlinearity.ipynb"``). Surrounding spaces
        are ignored.

    Returns
    -------
    str or None
        ``"00"`` to ``"99"``; None for anything else (also for ``True``, ``None``, ``1.5``,
        negative numbers and numbers above 99).

    Examples
    --------
    >>> [lesson_number(v) for v in (1, "1", "01", " 7 ", "lesson03", "Lesson3")]
    ['01', '01', '01', '07', '03', '03']
    >>> lesson_number("01-why-nonlinearity.ipynb"), lesson_number(Path("zh/notebooks/06-x.ipynb"))
    ('01', '06')
    >>> [lesson_number(v) for v in ("three", "", "1-x.ipynb", 1.5, True, None, -1, 100)]
    [None, None, None, None, None, None, None, None]
    """
    if isinstance(value, os.PathLike):
        value = Path(value).name
    if isinstance(value, bool):
        number = None
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        number = int(value) if float(value).is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        written = _WRITTEN_NUMBER.fullmatch(text)
        file_name = _FILE_NAME.fullmatch(text)
        match = written or file_name
        number = int(match.group(1)) if match else None
    else:
        number = None
    if number is None or not 0 <= number <= 99:
        return None
    return f"{number:02d}"


def lesson(number: str | int) -> Lesson:
    """Return the lesson with this number.

    Parameters
    ----------
    number : str or int
        ``"01"``, ``"1"``, ``1`` or any other form :func:`lesson_number` reads.

    Returns
    -------
    Lesson

    Raises
    ------
    ValueError
        If ``number`` is not a lesson number, or no lesson has that number.

    Examples
    --------
    >>> lesson(1).slug
    '01-why-nonlinearity'
    """
    key = lesson_number(number)
    if key is None:
        raise ValueError(f"number: expected a lesson number such as '01', got {number!r}")
    if key not in LESSONS_BY_NUMBER:
        known = ", ".join(LESSONS_BY_NUMBER)
        raise ValueError(f"number: no lesson {key!r}; the lessons are {known}")
    return LESSONS_BY_NUMBER[key]
