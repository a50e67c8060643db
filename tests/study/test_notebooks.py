"""Notebooks: cells read with nbformat, IPython-only lines ignored, nothing run."""

from __future__ import annotations

import json

import pytest

from learnloop.study.notebooks import NotebookError, python_of_cell, read_notebook


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "cell_type": kind,
                    "metadata": {},
                    "source": source,
                    "id": f"c{i}",
                    **({"outputs": [], "execution_count": None} if kind == "code" else {}),
                }
                for i, (kind, source) in enumerate(cells)
            ],
        }
    )


def test_code_cells_are_parsed_and_magics_ignored() -> None:
    facts = read_notebook(
        notebook(
            ("markdown", "# Training a GCN\n\nSome words."),
            ("code", "%matplotlib inline\n!pip install torch\nimport torch\nfrom tinygcn.models import GCN"),
            ("code", "%%bash\necho hi"),
            ("code", "def broken(:\n    pass"),
            ("code", "class Net(torch.nn.Module):\n    pass\ndf?"),
        )
    )
    assert (facts.code_cells, facts.markdown_cells) == (4, 1)
    assert facts.summary == "Training a GCN"
    assert [(m, n, line) for m, n, _a, _l, line, _o in facts.imports] == [
        ("torch", None, 2),
        ("tinygcn.models", "GCN", 2),
    ]
    assert [(c.name, c.line) for c in facts.classes] == [("Net", 5)]
    [problem] = facts.problems
    assert problem.line == 4 and "cell 4" in problem.message
    assert facts.lines.comment >= 2  # the markdown cell


def test_a_file_that_is_not_a_notebook_raises_notebook_error() -> None:
    with pytest.raises(NotebookError):
        read_notebook("{not json")


def test_python_of_cell_keeps_line_numbers() -> None:
    assert python_of_cell("%time x = 1\nimport os\nos?") == "pass\nimport os\npass"
    # an indented magic inside a block leaves a block that still parses
    assert python_of_cell("if True:\n    %pip install torch\nimport os") == "if True:\n    pass\nimport os"
