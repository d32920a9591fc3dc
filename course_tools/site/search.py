"""The Chinese edition's search: Sphinx's Chinese search language, repaired and usable without jieba."""

from __future__ import annotations

import importlib.util
import re

from sphinx.search.zh import SearchChinese

__all__ = ["CourseChinese", "han_pieces"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LONGEST_PIECE = 4
"""Longest run of Chinese characters indexed as one search term when jieba is absent."""


def han_pieces(text: str, longest: int = LONGEST_PIECE) -> list[str]:
    """Every piece of 2 to ``longest`` consecutive Chinese characters in ``text``.

    Parameters
    ----------
    text : str
    longest : int

    Returns
    -------
    list of str

    Examples
    --------
    >>> han_pieces("激活函数 sigmoid 温度")
    ['激活', '活函', '函数', '激活函', '活函数', '激活函数', '温度']
    """
    pieces = []
    for run in _HAN.findall(text):
        for size in range(2, min(longest, len(run)) + 1):
            pieces += [run[start : start + size] for start in range(len(run) - size + 1)]
    return pieces


class CourseChinese(SearchChinese):
    """Sphinx's Chinese search with two repairs.

    * Its JavaScript stemmer is Snowball's English one (for the Latin words of the text), but
      the page names it after the language (``ChineseStemmer``), which does not exist, and the
      search page stops with an error: :attr:`language_name` names the stemmer that ships.
    * Without the optional ``jieba`` word segmenter, Sphinx indexes no Chinese word at all:
      then every piece of 2 to :data:`LONGEST_PIECE` characters is indexed, so a query of up to
      four characters (``温度``, ``激活函数``) finds the pages holding it.
    """

    language_name = "English"
    segments = importlib.util.find_spec("jieba") is not None

    def split(self, input: str) -> list[str]:
        """The search terms of a text: jieba's words (or Chinese pieces) and the Latin words."""
        words = super().split(input)
        return words if self.segments else han_pieces(input) + words
