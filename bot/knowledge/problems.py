"""A problem found in a knowledge file, named precisely enough for an operator to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem: which file, which field (or line), what is wrong."""

    path: Path
    field: str
    message: str
    line: int | None = None
    severity: str = "error"  # "error" skips the file; "warning" only reports; "note": lint --notes lists it

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}"


class KnowledgeFileError(ValueError):
    """A data file (YAML) cannot be used; carries its problems."""

    def __init__(self, problems: list[Problem]) -> None:
        """Keep the problems; the message lists them one per line."""
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
