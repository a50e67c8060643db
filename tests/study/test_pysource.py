"""Reading Python source with ast: imports, classes, entry points, and files that do not parse."""

from __future__ import annotations

from learnloop.study.pysource import read_python, scan_imports_by_line

SOURCE = '''"""Train a model.

Longer text."""
import os, numpy as np
import torch.nn as nn
from . import models
from ..data.loaders import load as load_it
from typing import TYPE_CHECKING
try:
    import cupy
except ImportError:
    cupy = None
try:
    import yaml
finally:
    pass
if TYPE_CHECKING:
    import pandas


class Net(nn.Module):
    """A network."""

    def forward(self, x):
        import scipy.sparse
        return x


def helper():
    for _ in range(3):
        with open("x") as f:
            from json import loads


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description="Train it on Cora")
'''


def test_every_import_form_is_read_with_where_it_sits() -> None:
    facts = read_python(SOURCE)
    imports = {(m, n, a, lvl, opt) for m, n, a, lvl, _line, opt in facts.imports}
    assert imports == {
        ("os", None, None, 0, False),
        ("numpy", None, "np", 0, False),
        ("torch.nn", None, "nn", 0, False),
        ("", "models", None, 1, False),
        ("data.loaders", "load", "load_it", 2, False),
        ("typing", "TYPE_CHECKING", None, 0, False),
        ("cupy", None, None, 0, True),
        ("yaml", None, None, 0, False),
        ("pandas", None, None, 0, True),
        ("scipy.sparse", None, None, 0, False),
        ("json", "loads", None, 0, False),
        ("argparse", None, None, 0, False),
    }
    scipy_line = next(i for i, line in enumerate(SOURCE.splitlines(), start=1) if "import scipy.sparse" in line)
    assert next(line for m, *_rest, line, _o in facts.imports if m == "scipy.sparse") == scipy_line


def test_classes_docstrings_main_block_and_argparse() -> None:
    facts = read_python(SOURCE)
    assert [(c.name, c.bases) for c in facts.classes] == [("Net", ("nn.Module",))]
    assert facts.summary == "Train a model."
    assert (1, 3) in facts.docstring_lines and (22, 22) in facts.docstring_lines
    lines = SOURCE.splitlines()
    assert facts.main_line == lines.index('if __name__ == "__main__":') + 1
    [cli] = facts.clis
    parser_line = next(i for i, line in enumerate(lines, start=1) if "ArgumentParser(" in line)
    assert (cli.kind, cli.line, cli.detail) == ("argparse", parser_line, "Train it on Cora")
    assert facts.problem is None


def test_click_typer_fire_and_hydra_commands() -> None:
    facts = read_python(
        "import click\nimport typer\nimport fire\nimport hydra\n"
        "@click.group()\ndef cli():\n    pass\n"
        "@cli.command()\ndef train():\n    pass\n"
        "app = typer.Typer()\n@app.command()\ndef serve():\n    pass\n"
        "@hydra.main(config_path='conf')\ndef run(cfg):\n    pass\n"
        "if __name__ == '__main__':\n    fire.Fire(train)\n"
    )
    found = [(c.kind, c.name) for c in facts.clis]
    assert found == [
        ("click", "cli"),
        ("click", "train"),
        ("typer", "app"),
        ("typer", "serve"),
        ("hydra", "run"),
        ("fire", None),
    ]


def test_python2_files_are_classified_and_their_imports_still_read() -> None:
    facts = read_python("import os\nfrom urllib2 import urlopen\nprint 'hello'\n")
    assert facts.problem is not None and facts.problem.kind == "python2" and facts.problem.line == 3
    assert [(m, n) for m, n, *_rest in facts.imports] == [("os", None), ("urllib2", "urlopen")]
    old_except = read_python("try:\n    import json\nexcept ImportError, e:\n    pass\n")
    assert old_except.problem is not None and old_except.problem.kind == "python2"


def test_a_plain_syntax_error_is_not_called_python2() -> None:
    facts = read_python("import sys\ndef broken(:\n    pass\n")
    assert facts.problem is not None
    assert facts.problem.kind == "syntax-error" and facts.problem.line == 2
    assert [m for m, *_rest in facts.imports] == ["sys"]


def test_nul_bytes_and_absurd_nesting_do_not_raise() -> None:
    assert read_python("x = 1\0\n").problem is not None
    deep = read_python("x = " + "(" * 5000 + ")" * 5000 + "\n")
    assert deep.problem is not None and deep.problem.kind == "syntax-error"


def test_line_scan_of_imports_handles_aliases_relative_and_parentheses() -> None:
    found = scan_imports_by_line("import a.b as c, d\nfrom ..x import (y, z as w)\nfrom . import *\n  import e\n")
    assert [(m, n, a, lvl) for m, n, a, lvl, _line, _o in found] == [
        ("a.b", None, "c", 0),
        ("d", None, None, 0),
        ("x", "y", None, 2),
        ("x", "z", "w", 2),
        ("", "*", None, 1),
        ("e", None, None, 0),
    ]


def test_the_line_scan_finds_the_same_imports_as_the_syntax_tree_on_our_own_source() -> None:
    """Tests and vendored code are read by the line scan: on learnloop's own files it agrees with ``ast``."""
    from pathlib import Path

    import learnloop
    from learnloop.study.pysource import scan_python

    root = Path(learnloop.__file__).parent
    checked = 0
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        by_tree = {(m, n, a, lvl, opt) for m, n, a, lvl, _line, opt in read_python(text).imports}
        by_line = {(m, n, a, lvl, opt) for m, n, a, lvl, _line, opt in scan_python(text).imports}
        assert by_line == by_tree, path
        assert scan_python(text).main_line == read_python(text).main_line, path
        checked += 1
    assert checked > 50


def test_the_line_scan_skips_strings_and_reads_parentheses() -> None:
    from learnloop.study.pysource import scan_python

    text = (
        '"""Docs\nimport fake\n"""\nimport os\ntry:\n    import pooch\nexcept ImportError:\n    pooch = None\n'
        'CODE = """\nimport mymodule\n"""\nfrom x.y import (a,\n    b as c)  # two\n'
    )
    assert [(m, n, a, opt) for m, n, a, _lvl, _line, opt in scan_python(text).imports] == [
        ("os", None, None, False),
        ("pooch", None, None, True),
        ("x.y", "a", None, False),
        ("x.y", "b", "c", False),
    ]
