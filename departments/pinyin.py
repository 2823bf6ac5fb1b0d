"""Search keys of unit names: the name, its aliases and their pinyin initials (区发改局 → qfgj), so a
picker finds 区发改局 from "fgj", "发改" or one of its aliases."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """The first letter of each character's pinyin; Latin letters and digits are kept, lower-cased,
    and everything else (brackets, punctuation) dropped: 区审管办（跑改办） → qsgbpgb."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(ch for part in letters for ch in part.lower() if ch.isascii() and ch.isalnum())


def search_key(name: str, aliases: Iterable[str] = ()) -> str:
    """One lower-case string a picker matches typed text against (as a substring): the names and their
    initials, separated by spaces."""
    names = [name, *aliases]
    return " ".join([*(n.lower() for n in names), *dict.fromkeys(initials(n) for n in names)])
