"""Red-flag expressions compiled twice, so that most messages are matched in the fast ASCII mode.

Operators write expressions that ignore case and understand every alphabet. Python's ``re`` pays for that
at every character: the 350 expressions of the bundled file take ~33 ms over 4096 characters. Most
messages, though, hold no letter or digit outside ASCII (emoji, currency signs and punctuation do not
count), and for those a lower-cased copy matched in ASCII mode finds exactly the same spans in ~13 ms:

* with no non-ASCII letter or digit, ``\\w``, ``\\b``, ``\\d`` and ``\\s`` mean the same in both modes (the
  text is tidied first: other spaces and control characters are already plain spaces);
* lower-casing such a text changes only ASCII letters, one character for one, so spans stay valid;
* an expression with an upper-case letter of its own (``[A-Z]``) or an inline flag turning case off keeps
  ignoring case in ASCII mode, which gives the same result on the lower-cased copy.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\\(.)|(.)", re.DOTALL)
_CASE_OFF = re.compile(r"\(\?[aiLmsux]*-")  # (?-i:...) and the like switch a flag off inside
_CLASS_ESCAPES = frozenset("BDSWAZ")  # upper-case escapes that name classes or anchors, not letters


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: cheap in sets of candidates
class FlagPattern:
    """One operator expression: for any text, and for a lower-cased text of ASCII letters and digits."""

    any_text: re.Pattern[str]  # IGNORECASE, Unicode
    plain_text: re.Pattern[str]  # ASCII mode, for :attr:`MatchText.plain` texts

    @property
    def source(self) -> str:
        """The expression as the operator wrote it."""
        return self.any_text.pattern

    def on(self, text: MatchText) -> re.Pattern[str]:
        """The compiled form that suits ``text``."""
        return self.plain_text if text.plain else self.any_text


@dataclass(frozen=True)
class MatchText:
    """A tidied message ready for the expressions: ``tidy`` as written, ``text`` what they run over.

    ``text`` is ``tidy`` itself, or its lower-cased copy (``plain``) when that is exact.
    """

    tidy: str
    text: str
    plain: bool


@functools.lru_cache(maxsize=8192)  # a reload compiles only expressions it has not seen before
def compile_flag_pattern(source: str) -> FlagPattern:
    """Both compiled forms of ``source``; raises ``re.error`` when it is not a valid expression."""
    any_text = re.compile(source, re.IGNORECASE)
    plain_flags = re.ASCII if _lowercase_only(source) else re.ASCII | re.IGNORECASE
    return FlagPattern(any_text, re.compile(source, plain_flags))


def _lowercase_only(source: str) -> bool:
    """Whether ``source`` matches a lower-cased text the same without ignoring case.

    True when every upper-case letter in it is part of a class escape (``\\S``, ``\\W`` ...), no escape
    spells a character by number or name, and no inline flag switches case-folding off.
    """
    if _CASE_OFF.search(source):
        return False
    for match in _TOKEN.finditer(source):
        escaped, plain = match.groups()
        if escaped is not None and (
            escaped in "xuUN" or escaped.isdigit() or (escaped.isupper() and escaped not in _CLASS_ESCAPES)
        ):
            return False
        if plain is not None and plain.isupper():
            return False
    return True


def match_text(tidy: str) -> MatchText:
    """What to run the expressions over for the tidied message ``tidy`` (see the module's notes)."""
    if any(ord(char) > 127 and char.isalnum() for char in tidy):
        return MatchText(tidy, tidy, plain=False)
    lowered = tidy.lower()
    if len(lowered) != len(tidy):
        return MatchText(tidy, tidy, plain=False)
    return MatchText(tidy, lowered, plain=True)
