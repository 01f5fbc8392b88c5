"""Which of many expressions can match a text, found in one pass over it with RE2's ``Set``.

Python's ``re`` tries every expression separately at every position of the text: the ~390 red-flag
expressions take ~15 ms over a 4096-character message although a few dozen of them match. RE2 (Google's
linear-time engine) runs all of them at once as one automaton in well under a millisecond and says which
ones match anywhere; Python then runs only those, and still finds the spans, evidence and exceptions.
So the filter never decides a result: it only skips expressions that cannot match.

That holds only where RE2 reads an expression as Python does. On the texts the filter accepts
(:func:`reads_as_ascii`: no letter, digit or space outside ASCII, no vertical tab or separator control
character), ``\\w``, ``\\b``, ``\\d`` and ``\\s`` mean the same in both engines, whether Python matches in
Unicode or ASCII mode. Every expression is added case-insensitive, with ``.`` matching newlines and
``^``/``$`` matching at every line, which can only widen what RE2 finds. Expressions RE2 cannot read
(look-arounds, back-references) or reads differently (``{,n}``, ``[:class:]``) always run. On any other
text, or if RE2 fails, :meth:`PatternFilter.possible` returns ``None``: every expression runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import re2

# A character Python's Unicode classes read differently from ASCII ones (and so from RE2's).
_NOT_ASCII_CLASSED = re.compile(r"(?![\x00-\x7f])[\w\s]|[\v\x1c-\x1f]")
_READ_DIFFERENTLY = re.compile(r"\{,|\[:")  # Python: {0,n} and literal "[:"; RE2: literal and a class
# RE2's budget for the compiled set and its cache of automaton states. The bundled red flags need ~4 MiB to
# compile; with 16 MiB the cache stays ~20 MiB after thousands of messages, as fast as with 64 MiB (which
# grew to ~70 MiB). A set too big for it gives up, and then every expression runs.
_MAX_MEMORY = 16 << 20


def reads_as_ascii(text: str) -> bool:
    """Whether RE2's ASCII character classes read ``text`` exactly as Python's Unicode ones do."""
    return _NOT_ASCII_CLASSED.search(text) is None


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.dot_nl = True
    options.log_errors = False  # unreadable expressions are expected: they always run
    options.max_mem = _MAX_MEMORY
    return options


@dataclass(frozen=True)
class PatternFilter:
    """An RE2 set over expressions numbered by position, and those of them it cannot judge."""

    matcher: re2.Set | None
    set_index: tuple[int, ...]  # expression number of each set member after the sentinel
    always: frozenset[int]  # expressions RE2 cannot read as Python does

    @classmethod
    def build(cls, sources: Sequence[str]) -> PatternFilter:
        """A filter over the Python expressions ``sources`` (numbered by their position)."""
        matcher = re2.Set.SearchSet(_options())
        matcher.Add("")  # the sentinel: matches every text, so a run RE2 gave up on is told apart
        members: list[int] = []
        always: set[int] = set()
        for number, source in enumerate(sources):
            if _READ_DIFFERENTLY.search(source):
                always.add(number)
                continue
            try:
                matcher.Add(f"(?m){source}")
            except re2.error:
                always.add(number)
                continue
            members.append(number)
        try:
            matcher.Compile()
        except re2.error:
            return cls(None, (), frozenset(range(len(sources))))
        return cls(matcher, tuple(members), frozenset(always))

    def possible(self, text: str) -> frozenset[int] | None:
        """The expressions that may match somewhere in ``text``; ``None`` when every one must be run."""
        if self.matcher is None or not reads_as_ascii(text):
            return None
        try:
            found = self.matcher.Match(text)
        except UnicodeEncodeError:  # lone surrogates from hostile input
            return None
        if not found or 0 not in found:
            return None  # RE2 ran out of memory on this text
        return self.always.union(self.set_index[member - 1] for member in found if member)
