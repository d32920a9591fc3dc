"""The course's fixed structure: lesson numbers, file names and titles.

Navigation cells, the exercise generator, the site builder and the class grader all read
the lesson list from here, so a lesson is named in one place.
"""

from __future__ import annotations

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


def lesson(number: str | int) -> Lesson:
    """Return the lesson with this number.

    Parameters
    ----------
    number : str or int
        ``"01"``, ``"1"`` or ``1``.

    Returns
    -------
    Lesson

    Raises
    ------
    ValueError
        If no lesson has that number.

    Examples
    --------
    >>> lesson(1).slug
    '01-why-nonlinearity'
    """
    try:
        key = f"{int(number):02d}"
    except (TypeError, ValueError):
        raise ValueError(f"number: expected a lesson number such as '01', got {number!r}") from None
    if key not in LESSONS_BY_NUMBER:
        known = ", ".join(LESSONS_BY_NUMBER)
        raise ValueError(f"number: no lesson {key!r}; the lessons are {known}")
    return LESSONS_BY_NUMBER[key]
