"""Findings and readability: what rules produce and what reporters and the annotator consume."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one letter.

    A located finding points at ``text`` = characters ``[start, end)`` of block ``block``. A finding
    about the whole letter (missing contact details, LIX) has ``block``, ``start``, ``end`` and
    ``text`` set to ``None``. ``why`` is the rule's short reason with its source; the annotator puts
    it in the Word comment, the JSON report leaves it out (``lettercheck explain`` has it).
    """

    rule: str  # kebab-case name, part of the JSON contract ("legal-reference-early")
    code: str  # stable code ("LC101")
    severity: Severity
    message: str  # Danish, one sentence
    part: str | None = None
    block: int | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    suggestion: str | None = None
    why: str = ""
    #: "afsnit N" as the reports show it (``Document.paragraph_number``): counted within the
    #: block's own story, where ``block`` counts every story in reading order. Not in the JSON,
    #: whose ``block`` is the contract.
    paragraph: int | None = None
    #: the rule's Danish title ("Kancellisprog") for readers: Word comments, the text, CSV and
    #: HTML reports. Not in the JSON, which keeps ``rule`` and ``code``.
    title: str = ""
    #: the suggestion replaces exactly ``text`` (the rule's ``replaces: true``), so ``--suggest``
    #: may write it as a tracked change. Not in the JSON.
    replaces: bool = False

    @property
    def located(self) -> bool:
        return self.block is not None and self.start is not None and self.end is not None

    def to_json(self) -> dict:
        # Written out rather than ``dataclasses.asdict``, which deep-copies every value and was a
        # tenth of a large JSON report's time; the keys keep the field order of the contract.
        return {
            "rule": self.rule,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "part": self.part,
            "block": self.block,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class Readability:
    lix: float  # rounded to one decimal
    band: str  # "meget let", "let", "middel", "svær", "meget svær"
    words: int
    sentences: int
    long_words: int


@dataclass(frozen=True, slots=True)
class LetterType:
    """What kind of letter it is (``indkaldelse``, ``afgoerelse``, …, ``andet``) and why, in a
    short Danish phrase. ``stated`` is True when the author said so (a configuration glob or a
    ``lettercheck: type …`` comment) rather than lettercheck reading it from the text."""

    type: str
    because: str
    stated: bool = False

    def to_json(self) -> dict:
        return {"type": self.type, "because": self.because}


@dataclass(slots=True)
class FileResult:
    """Everything lettercheck says about one file. ``error`` is set, and ``readability`` is None,
    when the file could not be read."""

    path: Path
    readability: Readability | None = None
    findings: list[Finding] | None = None
    error: str | None = None
    #: The letter's type and the names of the rules that applied to it (a rule for decisions does
    #: not apply to an invitation); None for a file that could not be read.
    letter_type: LetterType | None = None
    rules_applied: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.findings is None:
            self.findings = []
