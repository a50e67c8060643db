"""The Markdown report."""

from __future__ import annotations

from pathlib import Path

from learnloop.atlas.load import Atlas
from learnloop.study.markdown import report_markdown
from learnloop.study.survey import study_repository


def test_every_section_is_there(gcn_repo: Path, tiny_atlas: Atlas) -> None:
    text = report_markdown(study_repository(gcn_repo, atlas=tiny_atlas))
    for heading in (
        "# Study of tinygcn",
        "## Size",
        "## Libraries it imports",
        "## Declared dependencies",
        "## Entry points",
        "## Where the models are defined",
        "## Import graph",
        "## Reading order",
    ):
        assert heading in text
    assert "| torch | torch |" in text and "PyTorch (`learnloop map pytorch`)" in text
    assert "1. **readme** `README.md`" in text and "`GCN` in `tinygcn/models.py`" in text
    for heading in ("## How to run it", "## Where things are"):
        assert heading in text
    assert "   - The graph convolution layer." in text and "defines GraphConvolution (line 8)" in text
    assert "## Files that did not parse" not in text
