"""Hostile names and files: each one line, exit 2 or a notice, no traceback, no hang (subprocess timeouts guard)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from learnloop.study.archive import unpack
from learnloop.study.markdown import report_markdown
from learnloop.study.printable import code_span, printable
from learnloop.study.survey import study_repository

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, so a hang fails the test instead of the run."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "learnloop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def hostile_tree(root: Path) -> Path:
    root.mkdir()
    (root / "[draft] train.py").write_text("import torch\n\nif __name__ == '__main__':\n    pass\n")
    (root / "weird[").mkdir()
    (root / "weird[" / "]name.py").write_text("import numpy\n")  # the path reads weird[/]name.py
    main = "\n\nif __name__ == '__main__':\n    pass\n"  # each is an entry point, so each name is shown
    (root / "esc\x1b[31mred.py").write_text("import os" + main)
    (root / "line\n# Injected heading\n[link](javascript:x).py").write_text("import sys" + main)
    (root / "back`tick.py").write_text("import json" + main)
    return root


def test_printable_and_code_span() -> None:
    assert printable("a\x1b[31mb\nc\u202ed") == "a\\x1b[31mb\\x0ac\\u202ed"
    assert code_span("a`b") == "``a`b``" and code_span("`x") == "`` `x ``"


def test_hostile_names_in_the_terminal_view(tmp_path: Path) -> None:
    root = hostile_tree(tmp_path / "repo")
    result = run_cli("study", str(root))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    out = result.stdout
    assert "[draft] train.py" in out  # shown as it is, not eaten as markup
    assert "\x1b" not in out and "esc\\x1b[31mred.py" in out.replace("\n", "")
    assert "# Injected heading" not in out.split("\n")  # never a line of its own


def test_hostile_names_in_markdown(tmp_path: Path) -> None:
    report = study_repository(hostile_tree(tmp_path / "repo"), with_map=False)
    text = report_markdown(report)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert not any(line.startswith("# Injected") for line in lines)
    assert all(not line.startswith("[link]") for line in lines)
    assert "``back`tick.py``" in text
    json.loads(report.model_dump_json())


def test_a_fifo_named_gitignore_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "train.py").write_text("import torch\n")
    os.mkfifo(root / ".gitignore")
    os.mkfifo(root / "pkg" / ".gitignore")
    os.mkfifo(root / "pyproject.toml")
    os.mkfifo(root / "model.py")
    result = run_cli("study", str(root), "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"]["python_files"] == 1


def test_devices_and_sockets_are_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text("import torch\n")
    with contextlib.suppress(OSError):  # not root: the socket below still checks the rule
        os.mknod(root / "null.py", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a copy of /dev/null, named like code
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock.py"))
    try:
        report = study_repository(root, with_map=False)
    finally:
        server.close()
    assert report.totals.python_files == 1 and [m.path for m in report.modules] == ["train.py"]


def test_a_sparse_200_mb_file_under_a_300_mb_cap_is_not_read_whole(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    with open(root / "huge.py", "wb") as handle:
        handle.truncate(200 * 1024**2)  # sparse: no disk used
    (root / "train.py").write_text("import torch\n")
    result = run_cli("study", str(root), "--max-file-mb", "300", "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    notices = {n["path"]: n["kind"] for n in json.loads(result.stdout)["notices"]}
    assert notices == {"huge.py": "binary"}


def test_a_large_text_file_is_scanned_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import learnloop.study.inspection as inspection

    monkeypatch.setattr(inspection, "PARSE_MAX_BYTES", 1000)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "generated.py").write_text("import numpy\n" + "x = [" + "1, " * 2000 + "]\n")
    report = study_repository(root, with_map=False, workers=1)
    assert [(p.path, p.kind) for p in report.problems] == [("generated.py", "too-large")]
    assert [lib.import_name for lib in report.third_party] == ["numpy"]
    assert "too deeply nested" not in report.problems[0].message


def test_archive_members_over_the_limit_are_never_written(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("repo/zeros.py", b"\0" * (3 * 1024**2))
        zf.writestr("repo/train.py", "import torch\n")
    target = tmp_path / "out"
    target.mkdir()
    notices = unpack(archive, target, max_member_bytes=2 * 1024**2)
    assert [(n.path, n.kind) for n in notices] == [("repo/zeros.py", "oversized")]
    assert not (target / "repo" / "zeros.py").exists() and (target / "repo" / "train.py").is_file()
    report = study_repository(archive, with_map=False)
    assert ("repo/zeros.py", "oversized") in {(n.path, n.kind) for n in report.notices}


def _notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def test_a_notebook_is_judged_by_its_source_not_its_outputs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    big_output = {"output_type": "stream", "name": "stdout", "text": "x" * (3 * 1024**2)}
    (root / "explore.ipynb").write_text(
        _notebook(
            [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "id": "a",
                    "execution_count": 1,
                    "outputs": [big_output],
                    "source": "import pandas as pd\ndf = pd.read_csv('train.csv')\n",
                }
            ]
        )
    )
    report = study_repository(root, with_map=False)  # the file is over 2 MB, its source is not
    assert report.notices == [] and report.totals.notebooks == 1
    assert [e.path for e in report.entry_points] == ["explore.ipynb"]
    assert any("train.csv" in p.what for p in report.where.data)


def test_a_notebook_whose_source_is_too_large_is_left_out(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "huge.ipynb").write_text(
        _notebook(
            [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "id": "a",
                    "execution_count": 1,
                    "outputs": [],
                    "source": "x = 1\n" * 20_000,
                }
            ]
        )
    )
    report = study_repository(root, with_map=False, max_file_bytes=50_000)
    assert [(n.path, n.kind) for n in report.notices] == [("huge.ipynb", "oversized")]


def test_indented_magics_are_not_parse_errors(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "setup.ipynb").write_text(
        _notebook(
            [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "id": "a",
                    "execution_count": 1,
                    "outputs": [],
                    "source": "import sys\nif 'google.colab' in sys.modules:\n    %pip install torch\n    !nvidia-smi\n"
                    "files = !ls\nimport torch\n",
                }
            ]
        )
    )
    report = study_repository(root, with_map=False)
    assert report.problems == []
    assert [lib.import_name for lib in report.third_party] == ["torch"]


def test_a_bare_repository_without_git_is_one_line(
    tmp_path: Path, cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "x.git"
    (bare / "objects").mkdir(parents=True)
    (bare / "refs").mkdir()
    (bare / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = cli(f"study {bare}")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "git is needed" in result.stderr and "Traceback" not in result.output  # type: ignore[attr-defined]
