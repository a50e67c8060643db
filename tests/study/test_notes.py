"""The notes template: the article's three lists, prefilled with prompts from the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from learnloop.atlas.load import Atlas
from learnloop.study.notes import notes_template
from learnloop.study.survey import study_repository


def test_three_lists_with_prompts_from_the_report(gcn_repo: Path, tiny_atlas: Atlas) -> None:
    text = notes_template(study_repository(gcn_repo, atlas=tiny_atlas), today=date(2026, 11, 25))
    assert text.startswith("# Notes on tinygcn (2026-11-25)")
    patterns, understood, unclear = (
        text.index(h) for h in ("## Repeated patterns", "## What I understand", "## What I don't understand (yet)")
    )
    assert patterns < understood < unclear
    assert "- [ ] `tinygcn/train.py` (run)" in text
    assert "Model classes (PyTorch): `GraphConvolution`, `GCN`" in text[patterns:understood]
    assert "How `tinygcn/train.py` starts the program" in text[understood:unclear]
    assert "`learnloop map" not in text[unclear:]  # no longer every library's card
    assert "class GraphConvolution" in text[unclear:] and "`tinygcn/utils.py`" in text[unclear:]
