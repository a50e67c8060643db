"""Studying whole repositories: every part of the report, and every robustness case of the issue."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from learnloop.atlas.load import Atlas
from learnloop.study.survey import study_repository


def test_a_small_gcn_project_end_to_end(gcn_repo: Path, tiny_atlas: Atlas) -> None:
    report = study_repository(gcn_repo, atlas=tiny_atlas)
    assert report.name == "tinygcn"
    python = next(c for c in report.languages if c.language == "Python")
    assert python.files == 7 and report.totals.python_files == 7
    assert {lib.import_name for lib in report.third_party} == {"torch", "numpy", "scipy", "setuptools"}
    torch = next(lib for lib in report.third_party if lib.import_name == "torch")
    assert [t.id for t in torch.topics] == ["pytorch"] and torch.declared and torch.modules == 3
    assert {lib.import_name for lib in report.stdlib} == {"argparse", "math", "time"}
    assert report.internal == ["setup", "tinygcn"]
    assert [(d.name, d.source) for d in report.dependencies] == [
        ("numpy", "requirements.txt"),
        ("torch", "requirements.txt"),
        ("scipy", "requirements.txt"),
    ]
    kinds = {(e.kind, e.path) for e in report.entry_points}
    assert kinds == {("console-script", "tinygcn/train.py"), ("main-block", "tinygcn/train.py")}
    main = next(e for e in report.entry_points if e.kind == "main-block")
    assert main.detail == "Train a GCN" and main.command == "python -m tinygcn.train"  # the argparse merged in
    assert [(m.name, m.framework) for m in report.models] == [("GraphConvolution", "PyTorch"), ("GCN", "PyTorch")]
    edges = {(e.source, e.target) for e in report.graph.edges}
    assert ("tinygcn.train", "tinygcn.models") in edges and ("test_models", "tinygcn.models") in edges
    assert [h.module for h in report.graph.hubs] == ["tinygcn.layers", "tinygcn.models"]
    assert [(s.stage, s.path) for s in report.reading_order] == [
        ("readme", "README.md"),
        ("run", "tinygcn/train.py"),
        ("data", "tinygcn/utils.py"),
        ("model", "tinygcn/models.py"),
        ("model", "tinygcn/layers.py"),
    ]
    assert next(m for m in report.modules if m.name == "tinygcn.layers").summary == "The graph convolution layer."
    assert next(m for m in report.modules if m.name == "test_models").test
    assert report.problems == [] and report.notices == []
    json.loads(report.model_dump_json())  # the whole report is plain data


def test_numpy_stays_a_dependency_when_a_vendored_folder_is_called_numpy(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "__init__.py": "from . import base\n",
            "base.py": "import numpy as np\n",
            "externals/__init__.py": "",
            "externals/compat/__init__.py": "",
            "externals/compat/numpy/__init__.py": "from numpy import *\nfrom ..common import helper\n",
            "externals/compat/common.py": "import numpy\n",
        },
        name="sklearnish",
    )
    report = study_repository(root, with_map=False)
    numpy = next(lib for lib in report.third_party if lib.import_name == "numpy")
    assert numpy.modules == 3
    assert report.internal == ["sklearnish"]
    assert ("sklearnish.externals.compat.numpy", "sklearnish.externals.compat.common") in {
        (e.source, e.target) for e in report.graph.edges
    }
    assert next(m for m in report.modules if m.path == "externals/compat/common.py").vendored


def test_robustness_cases_are_counted_listed_and_never_fatal(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    root = make_tree(
        {
            "ok.py": "import json\n",
            "py2.py": "import urllib2\nprint 'hello'\n",
            "broken.py": "def f(:\n",
            "binary.py": b"\x00\x01\x02ELF",
            "latin.py": "s = 'd\u00e9j\u00e0'\nimport csv\n".encode("latin-1"),
            "huge.py": "x = 1\n" * 200_000,
            "blob.dat": bytes(range(256)),
            "nb.ipynb": "{ not json",
            ".git/objects/ab": b"\x00",
            "node_modules/x/index.js": "x",
            "venv/pyvenv.cfg": "home = /usr\n",
            "venv/lib/python3.11/site-packages/numpy/__init__.py": "",
            ".gitignore": "generated/\n",
            "generated/out.py": "import tensorflow\n",
        }
    )
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "loop")
    report = study_repository(root, with_map=False, max_file_bytes=500_000)
    assert {(p.path, p.kind) for p in report.problems} == {("py2.py", "python2"), ("broken.py", "syntax-error")}
    notices = {(n.path, n.kind) for n in report.notices}
    assert notices == {
        ("binary.py", "binary"),
        ("latin.py", "not-utf8"),
        ("huge.py", "oversized"),
        ("sub/loop", "symlink-loop"),
        ("nb.ipynb", "notebook"),
    }
    assert {lib.import_name for lib in report.third_party} == {"urllib2"}  # read from the Python 2 file
    assert {"csv", "json"} <= {lib.import_name for lib in report.stdlib}
    assert {".git/", "node_modules/", "venv/", "generated/ (.gitignore)"} <= set(report.excluded)
    assert report.totals.python_files == 4  # ok, py2, broken, latin; binary and huge are not counted


def test_archives_are_studied_like_folders(gcn_repo: Path, tmp_path: Path, tiny_atlas: Atlas) -> None:
    archive = tmp_path / "tinygcn-master.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in gcn_repo.rglob("*"):
            zf.write(path, "tinygcn-master/" + str(path.relative_to(gcn_repo)))
    from_zip = study_repository(archive, atlas=tiny_atlas)
    from_folder = study_repository(gcn_repo, atlas=tiny_atlas)
    assert from_zip.name == "tinygcn-master"
    assert from_zip.graph == from_folder.graph and from_zip.reading_order == from_folder.reading_order
    assert "/tmp" not in from_zip.model_dump_json().replace(str(archive), "")


def test_nothing_in_the_tree_is_run(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    bomb = f"open({str(marker)!r}, 'a').write(__name__)\n"
    root = make_tree(
        {
            "pkg/__init__.py": bomb,
            "pkg/mod.py": bomb + "if __name__ == '__main__':\n    " + bomb,
            "setup.py": bomb + "from setuptools import setup\nsetup(name='x')\n",
            "conftest.py": bomb,
            "sitecustomize.py": bomb,
            "pkg/__main__.py": bomb,
        }
    )
    study_repository(root, with_map=False, workers=2)
    assert not marker.exists()


def test_a_picture_is_drawn_when_asked(gcn_repo: Path, tmp_path: Path) -> None:
    picture = tmp_path / "graph.png"
    study_repository(gcn_repo, with_map=False, picture=picture, workers=2)
    assert picture.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_the_installed_scikit_learn_tree(tmp_path: Path) -> None:
    import sklearn

    root = Path(sklearn.__file__).parent
    picture = tmp_path / "sklearn.png"
    report = study_repository(root, picture=picture)
    names = {lib.import_name: lib for lib in report.third_party}
    assert {"numpy", "scipy", "joblib"} <= set(names)
    assert "json" not in names and "re" not in names and "collections" not in names
    assert report.internal == ["sklearn"] and report.totals.python_files > 500
    roles = {f.path: f.role for f in report.files}
    assert all(roles.get(s.path) not in ("re-export", "cli", "tests") for s in report.reading_order)
    assert any(s.stage == "model" for s in report.reading_order) and report.models_total > len(report.models)
    assert any(m.name == "LogisticRegression" for m in report.models)
    assert picture.stat().st_size > 10_000


def test_a_src_layout_with_a_notebook(make_tree: Callable[..., Path]) -> None:
    notebook = json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "id": "m", "source": "# Try the model"},
                {
                    "cell_type": "code",
                    "metadata": {},
                    "id": "c",
                    "outputs": [],
                    "execution_count": None,
                    "source": "%matplotlib inline\nimport pandas as pd\nfrom mlpkg.model import fit",
                },
            ],
        }
    )
    root = make_tree(
        {
            "pyproject.toml": '[project]\nname = "mlpkg"\ndependencies = ["pandas"]\n',
            "src/mlpkg/__init__.py": "",
            "src/mlpkg/model.py": "import numpy\n\ndef fit():\n    pass\n",
            "notebooks/demo.ipynb": notebook,
        }
    )
    report = study_repository(root, with_map=False)
    assert report.internal == ["mlpkg"] and report.totals.notebooks == 1
    assert ("notebooks/demo.ipynb", "mlpkg.model") in {(e.source, e.target) for e in report.graph.edges}
    assert [(e.kind, e.path) for e in report.entry_points] == [("notebook", "notebooks/demo.ipynb")]
    assert [s.path for s in report.reading_order] == ["notebooks/demo.ipynb", "src/mlpkg/model.py"]
    pandas = next(lib for lib in report.third_party if lib.import_name == "pandas")
    assert pandas.declared and pandas.modules == 1
    notebook_count = next(c for c in report.languages if c.language == "Jupyter Notebook")
    assert notebook_count.files == 1 and notebook_count.code == 3 and notebook_count.comment == 1


def test_an_empty_folder_gives_an_empty_report(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    report = study_repository(tmp_path / "empty", with_map=False)
    assert report.totals.files == 0 and report.reading_order == [] and report.graph.nodes == []
