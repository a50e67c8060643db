"""`learnloop study` as a learner types it: outputs, files written, errors, and never running the studied code."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import learnloop.study

REPO = {
    "README.md": "# tinygcn\n",
    "setup.py": "from setuptools import setup\nsetup(name='tinygcn', install_requires=['torch', 'numpy'],\n"
    "      entry_points={'console_scripts': ['tinygcn-train = tinygcn.train:main']})\n",
    "tinygcn/__init__.py": "",
    "tinygcn/models.py": "import torch.nn as nn\n\n\nclass GCN(nn.Module):\n    pass\n",
    "tinygcn/train.py": "import numpy as np\nfrom tinygcn.models import GCN\n\n\ndef main():\n    GCN()\n\n\n"
    "if __name__ == '__main__':\n    main()\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write(tmp_path / "tinygcn", REPO)


def test_the_terminal_report(cli: Callable[..., object], repo: Path) -> None:
    result = cli(f"study {repo}")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    for words in (
        "Study of tinygcn",
        "Libraries it imports",
        "torch",
        "PyTorch",
        "Entry points",
        "tinygcn-train",
        "GCN",
        "Reading order",
        "README.md",
        "tinygcn/train.py",
    ):
        assert words in out, words


def test_json_and_markdown_on_stdout_and_to_files(cli: Callable[..., object], repo: Path, tmp_path: Path) -> None:
    data = json.loads(cli(f"study {repo} --json").stdout)  # type: ignore[attr-defined]
    assert data["name"] == "tinygcn" and data["reading_order"][0]["path"] == "README.md"
    assert json.loads(cli(f"study {repo} --format json").stdout) == data  # type: ignore[attr-defined]
    markdown = cli(f"study {repo} --format md").stdout  # type: ignore[attr-defined]
    assert markdown.startswith("# Study of tinygcn")
    result = cli(f"study {repo} --out {tmp_path / 'r.json'}")
    assert json.loads((tmp_path / "r.json").read_text())["name"] == "tinygcn"
    assert "wrote" in result.stderr and "Study of tinygcn" in result.stdout  # type: ignore[attr-defined]
    cli(f"study {repo} --format md -o {tmp_path / 'r.txt'}")
    assert (tmp_path / "r.txt").read_text().startswith("# Study of tinygcn")


def test_graph_picture_dot_and_notes(cli: Callable[..., object], repo: Path, tmp_path: Path) -> None:
    png, dot, notes = tmp_path / "g.png", tmp_path / "g.dot", tmp_path / "notes.md"
    result = cli(f"study {repo} --graph {png} --graph {dot} --notes {notes}")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert png.read_bytes().startswith(b"\x89PNG")
    assert '"tinygcn.train" -> "tinygcn.models";' in dot.read_text()
    assert "## Repeated patterns" in notes.read_text()
    again = cli(f"study {repo} --notes {notes}")
    assert again.exit_code == 2 and "already exists" in again.stderr  # type: ignore[attr-defined]
    notes.write_text("my own notes")
    assert cli(f"study {repo} --notes {notes} --force").exit_code == 0  # type: ignore[attr-defined]
    assert "## Repeated patterns" in notes.read_text()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ("study {tmp}/nowhere", "no such file or folder"),
        ("study {tmp}/file.txt", "not a folder or an archive"),
        ("study {tmp}/broken.zip", "cannot read the archive"),
        ("study {tmp}/repo --format html", "unknown format"),
        ("study {tmp}/repo --graph {tmp}/g.jpg", ".png or .svg"),
        ("study {tmp}/repo --graph {tmp}/no/such/g.png", "no such folder"),
        ("study {tmp}/repo --refresh", "nothing to refresh"),
    ],
)
def test_bad_input_is_one_red_line_and_exit_2(
    cli: Callable[..., object], tmp_path: Path, args: str, words: str
) -> None:
    (tmp_path / "file.txt").write_text("hi")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04junk")
    write(tmp_path / "repo", {"a.py": "import os\n"})
    result = cli(args.format(tmp=tmp_path))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert words in result.stderr and result.stderr.count("\n") == 1  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


def test_reference_records_the_repository_for_the_current_pass(cli: Callable[..., object], repo: Path) -> None:
    early = cli(f"study {repo} --reference")
    assert early.exit_code == 2 and "learnloop start" in early.stderr  # type: ignore[attr-defined]
    assert early.stdout == ""  # refused before studying  # type: ignore[attr-defined]
    assert cli("start").exit_code == 0  # type: ignore[attr-defined]
    result = cli(f"study {repo} --reference --why 'close to my endgame'")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    refs = json.loads(cli("reference list --json").stdout)  # type: ignore[attr-defined]
    flat = json.dumps(refs)
    assert str(repo.resolve()) in flat and "close to my endgame" in flat


SIDE_EFFECT = "open({marker!r}, 'a').write(__file__ + '\\n')\n"


def plant(root: Path, marker: Path) -> None:
    """A repository in which importing, running, installing or testing anything writes to ``marker``."""
    bomb = SIDE_EFFECT.format(marker=str(marker))
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "metadata": {}, "id": "a", "outputs": [], "execution_count": None, "source": bomb}
        ],
    }
    write(
        root,
        {
            "pkg/__init__.py": bomb,
            "pkg/core.py": bomb + "import numpy\nif __name__ == '__main__':\n    " + bomb,
            "pkg/__main__.py": bomb,
            "setup.py": bomb + "from setuptools import setup\nsetup(name='evil')\n",
            "conftest.py": bomb,
            "tests/conftest.py": bomb,
            "sitecustomize.py": bomb,
            "usercustomize.py": bomb,
            "noxfile.py": bomb,
            "docs/conf.py": bomb,
            "evil.pth": f"import os; {bomb}",
            "demo.ipynb": json.dumps(notebook),
            "requirements.txt": "numpy\n",
        },
    )


def test_studying_never_runs_the_studied_code(cli: Callable[..., object], tmp_path: Path) -> None:
    marker = tmp_path / "SOMETHING-RAN"
    root = tmp_path / "planted"
    plant(root, marker)
    result = cli(f"study {root} --workers 2 --json --graph {tmp_path / 'g.png'} --notes {tmp_path / 'n.md'}")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["totals"]["python_files"] == 10  # type: ignore[attr-defined]
    assert not marker.exists()


def test_the_installed_command_never_runs_the_studied_code(tmp_path: Path) -> None:
    marker = tmp_path / "SOMETHING-RAN"
    root = tmp_path / "planted"
    plant(root, marker)
    env = {**os.environ, "LEARNLOOP_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "learnloop", "study", str(root), "--workers", "2", "--format", "md"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "# Study of planted" in done.stdout
    assert not marker.exists()


FORBIDDEN_CALLS = {
    "exec",
    "eval",
    "__import__",
    "execfile",
    "runfile",
    "import_module",
    "spec_from_file_location",
    "exec_module",
    "load_module",
    "run_path",
    "run_module",
    "system",
    "popen",
    "Popen",
    "run_command",
    "check_output",
    "check_call",
    "call",
    "spawn",
    "execv",
    "execvp",
}
FORBIDDEN_MODULES = {"runpy", "subprocess", "importlib.util", "imp", "pty", "code", "codeop"}


def offences_in(source: str, name: str = "<source>") -> list[str]:
    """Calls and imports in ``source`` that could run code: exec/eval, import machinery, subprocesses."""
    offences = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called in FORBIDDEN_CALLS:
                offences.append(f"{name}:{node.lineno} calls {called}")
            if isinstance(func, ast.Name) and func.id == "compile":  # the builtin; re.compile is fine
                offences.append(f"{name}:{node.lineno} compiles code")
        elif isinstance(node, ast.Import):
            offences += [
                f"{name}:{node.lineno} imports {a.name}"
                for a in node.names
                if a.name in FORBIDDEN_MODULES or a.name.split(".")[0] in {"runpy", "subprocess"}
            ]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (node.module in FORBIDDEN_MODULES or node.module.split(".")[0] in {"runpy", "subprocess"})
        ):
            offences.append(f"{name}:{node.lineno} imports from {node.module}")
    return offences


def test_the_checker_catches_ways_to_run_code() -> None:
    source = (
        "import subprocess\nfrom runpy import run_path\nimport importlib\nexec('x')\n"
        "importlib.import_module('m')\ncompile('x', 'f', 'exec')\nimport re\nre.compile('x')\n"
    )
    assert len(offences_in(source)) == 5


def test_the_study_package_has_no_way_to_run_code() -> None:
    """Our own source, read with ast: no exec/eval/import machinery/subprocess anywhere in learnloop.study."""
    folder = Path(learnloop.study.__file__).parent
    offences = [
        o
        for path in sorted(folder.rglob("*.py"))
        for o in offences_in(path.read_text(), path.name)
        if path.name != "address.py"
    ]
    assert offences == []


def test_the_only_subprocess_the_study_starts_is_git() -> None:
    """address.py clones and archives with git (the learner named the address; nothing of the studied code runs):
    every process it starts is given a command whose first word is the git found on PATH, never a shell."""
    tree = ast.parse((Path(learnloop.study.__file__).parent / "address.py").read_text())
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "subprocess"
    ]
    assert {c.func.attr for c in calls} == {"Popen", "run"}  # type: ignore[attr-defined]
    for call in calls:
        command = call.args[0]
        first = command.elts[0] if isinstance(command, ast.List) else None
        if isinstance(command, ast.Name):  # built up as a list first: its first word is checked where it is made
            made = next(
                n
                for n in ast.walk(tree)
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id == command.id
            )
            first = made.value.elts[0]  # type: ignore[attr-defined]
        assert isinstance(first, ast.Name) and first.id == "git"
        assert not any(k.arg == "shell" for k in call.keywords)
