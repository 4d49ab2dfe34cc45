"""Suppression comments, on Documents built from model objects (independent of the reader)."""

from __future__ import annotations

from pathlib import Path

from lettercheck.engine.config import Config
from lettercheck.engine.run import check
from lettercheck.language.analysis import analyse
from lettercheck.language.parts import tag_parts
from lettercheck.model.document import Block, BlockKind, Comment, Document

TEXT = ["Vi fremsender brevet i dag.", "Vi fremsender også skemaet."]


def _document(*comments: Comment, texts: list[str] = TEXT) -> Document:
    blocks = [
        Block(index=i, kind=BlockKind.PARAGRAPH, text=t, story="word/document.xml", paragraph=i)
        for i, t in enumerate(texts)
    ]
    document = Document(
        path=Path("brev.docx"), format="docx", blocks=blocks, comments=list(comments)
    )
    tag_parts(document)
    return document


def _comment(
    text: str,
    block: int | None = 0,
    start: int | None = 0,
    end: int | None = 13,
    end_block: int | None = None,
) -> Comment:
    return Comment("1", "Mette", text, block, start, block if end_block is None else end_block, end)


def _run(document: Document, **config: object) -> list:
    return check(analyse(document), Config(**config))


def _rules(findings: list) -> list[tuple[str, int | None]]:
    return [(f.rule, f.block) for f in findings if f.code.startswith(("LC30", "LC9"))]


def test_without_comments_both_findings() -> None:
    assert _rules(_run(_document())) == [("officialese", 0), ("officialese", 1)]


def test_ignore_covers_only_its_anchor() -> None:
    document = _document(_comment("lettercheck: ignore officialese citat fra aftalen"))
    assert _rules(_run(document)) == [("officialese", 1)]


def test_ignore_by_code_and_prefix_and_list() -> None:
    for selector in ("LC302", "LC3", "formal-address,officialese"):
        document = _document(_comment(f"lettercheck: ignore {selector} citat fra aftalen"))
        assert _rules(_run(document)) == [("officialese", 1)], selector


def test_anchor_over_two_blocks() -> None:
    document = _document(_comment("lettercheck: ignore officialese citat", 0, 0, 13, end_block=1))
    assert _rules(_run(document)) == []


def test_ignore_file_covers_the_whole_letter_from_anywhere() -> None:
    document = _document(
        _comment("Lettercheck: ignore-file officialese gammel skabelon", 1, 20, 27)
    )
    assert _rules(_run(document)) == []


def test_unanchored_ignore_file_still_works() -> None:
    document = _document(
        _comment("lettercheck: ignore-file officialese skabelon", None, None, None)
    )
    assert _rules(_run(document)) == []


def test_ignore_silences_whole_letter_findings_of_the_rule() -> None:
    document = _document(_comment("lettercheck: ignore missing-caseworker-phone vi har kun mail"))
    assert not [f for f in _run(document) if f.rule == "missing-caseworker-phone"]
    assert [f for f in _run(_document()) if f.rule == "missing-caseworker-phone"]


def test_missing_reason_is_reported_but_still_applies() -> None:
    document = _document(_comment("lettercheck: ignore officialese"))
    findings = _run(document)
    assert _rules(findings) == [("suppression-without-reason", 0), ("officialese", 1)]
    (reported,) = [f for f in findings if f.rule == "suppression-without-reason"]
    assert reported.text == "Vi fremsender" and reported.start == 0 and reported.end == 13


def test_unknown_rule_is_reported() -> None:
    document = _document(_comment("lettercheck: ignore officialeese citat"))
    found = _rules(_run(document))
    assert ("unknown-suppression", 0) in found and ("officialese", 0) in found
    document = _document(_comment("lettercheck: ignore"))
    assert ("unknown-suppression", 0) in _rules(_run(document))


def test_unused_suppression_is_reported_as_info() -> None:
    document = _document(_comment("lettercheck: ignore formal-address citat"))
    findings = _run(document)
    (unused,) = [f for f in findings if f.rule == "unused-suppression"]
    assert str(unused.severity) == "info" and unused.block == 0
    assert ("officialese", 0) in _rules(findings)


def test_suppression_of_a_disabled_rule_is_not_unused() -> None:
    document = _document(_comment("lettercheck: ignore formal-address citat"))
    assert not [
        f for f in _run(document, ignore=("formal-address",)) if f.rule == "unused-suppression"
    ]


def test_meta_rules_can_be_ignored_by_config() -> None:
    document = _document(_comment("lettercheck: ignore officialese"))
    findings = _run(document, ignore=("suppression-without-reason",))
    assert _rules(findings) == [("officialese", 1)]


def test_ordinary_comments_are_left_alone() -> None:
    document = _document(_comment("Husk at tjekke datoen. lettercheck: ignore officialese x"))
    assert _rules(_run(document)) == [("officialese", 0), ("officialese", 1)]


def test_a_space_after_the_comma_between_rules_is_allowed() -> None:
    """Danish writers put a space after a comma: "LC301, LC302 Ordret citat" names both rules;
    a word after ", " that names no rule is the start of the reason, as without the space."""
    from lettercheck.engine.ruleset import load_rules
    from lettercheck.engine.suppress import parse_suppressions

    cases = {
        "lettercheck: ignore LC301, LC302 Ordret citat": (("LC301", "LC302"), "Ordret citat"),
        "lettercheck: ignore LC301 , LC302 Ordret citat": (("LC301", "LC302"), "Ordret citat"),
        "lettercheck: ignore LC301,LC302 Ordret citat": (("LC301", "LC302"), "Ordret citat"),
        "lettercheck: ignore LC301, LC302, LC303 citat": (("LC301", "LC302", "LC303"), "citat"),
        "lettercheck: ignore LC302, ordret citat": (("LC302",), "ordret citat"),
        "lettercheck: ignore LC302 , ordret citat": (("LC302",), "ordret citat"),
        "lettercheck: ignore LC302 Citat, fra loven": (("LC302",), "Citat, fra loven"),
        "lettercheck: ignore LC301, LC302. Citat": (("LC301", "LC302"), "Citat"),
        "lettercheck: ignore LC301, LC302: citat": (("LC301", "LC302"), "citat"),
        "lettercheck: ignore LC301, LC citat": (("LC301",), "LC citat"),
        "lettercheck: ignore LC301, LC399 citat": (("LC301", "LC399"), "citat"),
    }
    for text, (selectors, reason) in cases.items():
        (parsed,) = parse_suppressions(_document(_comment(text)), load_rules())
        assert (parsed.selectors, parsed.reason) == (selectors, reason), text
    document = _document(_comment("lettercheck: ignore formal-address, officialese citat"))
    assert _rules(_run(document)) == [("officialese", 1)]


# --- issue 16 §13: honest silence -------------------------------------------------------------


def _messages(comment_text: str) -> list[str]:
    findings = _run(_document(_comment(comment_text)))
    return [f.message for f in findings if f.rule == "unknown-suppression"]


def test_a_misspelt_directive_is_reported() -> None:
    [message] = _messages("lettercheck: ingore officialese citat fra aftalen")
    assert "»ingore«" in message


def test_an_ignore_without_a_rule_has_no_double_negative() -> None:
    [message] = _messages("lettercheck: ignore")
    assert "ingen regel er ikke" not in message and "nævner ingen" in message
