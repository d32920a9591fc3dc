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
