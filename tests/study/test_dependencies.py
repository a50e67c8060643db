"""Declared dependencies and scripts, read without running anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from learnloop.study.dependencies import read_declarations, requirement_lines


def read(root: Path) -> object:
    return read_declarations(root, sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()))


def test_requirements_files_skip_options_and_comments(make_tree: Callable[..., Path]) -> None:
    assert requirement_lines("numpy>=1 # fast\n-r other.txt\n--index-url x\ngit+https://x\n\ntorch\n") == [
        "numpy>=1",
        "torch",
    ]
    root = make_tree(
        {
            "requirements.txt": "numpy\n",
            "requirements-dev.txt": "pytest\n",
            "requirements/docs.txt": "sphinx\n",
            "deep/requirements.txt": "ignored\n",
        }
    )
    found = read(root)
    assert [(d.name, d.group, d.source) for d in found.dependencies] == [  # type: ignore[attr-defined]
        ("pytest", "requirements-dev", "requirements-dev.txt"),
        ("numpy", "main", "requirements.txt"),
        ("sphinx", "docs", "requirements/docs.txt"),
    ]


def test_pyproject_pep621_and_poetry(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "pyproject.toml": (
                '[project]\nname = "demo"\ndependencies = ["torch>=2", "numpy"]\n'
                '[project.optional-dependencies]\ntest = ["pytest"]\n'
                '[project.scripts]\ndemo = "demo.cli:main"\n'
                '[tool.poetry.dependencies]\npython = "^3.10"\nrich = "^13"\n'
                '[tool.poetry.scripts]\ndemo-poetry = "demo.other:run"\n'
            )
        }
    )
    found = read(root)
    assert found.project == "demo"  # type: ignore[attr-defined]
    assert [(d.name, d.group) for d in found.dependencies] == [  # type: ignore[attr-defined]
        ("torch", "main"),
        ("numpy", "main"),
        ("pytest", "test"),
        ("rich", "main"),
    ]
    assert [(s.name, s.module) for s in found.scripts] == [  # type: ignore[attr-defined]
        ("demo", "demo.cli"),
        ("demo-poetry", "demo.other"),
    ]


def test_setup_cfg(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "setup.cfg": (
                "[metadata]\nname = cfgdemo\n[options]\ninstall_requires =\n    numpy>=1.2\n    scipy\n"
                "[options.extras_require]\nplot = matplotlib\n"
                "[options.entry_points]\nconsole_scripts =\n    cfgdemo = cfgdemo.main:run\n"
            )
        }
    )
    found = read(root)
    assert [(d.name, d.group) for d in found.dependencies] == [  # type: ignore[attr-defined]
        ("numpy", "main"),
        ("scipy", "main"),
        ("matplotlib", "plot"),
    ]
    assert [(s.name, s.target) for s in found.scripts] == [("cfgdemo", "cfgdemo.main:run")]  # type: ignore[attr-defined]


def test_setup_py_is_parsed_never_run(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    marker = tmp_path / "setup-ran"
    root = make_tree(
        {
            "setup.py": (
                f"open({str(marker)!r}, 'w').write('ran')\n"
                "from setuptools import setup\n"
                "REQUIRES = ['torch', 'numpy>=1.20']\n"
                "setup(name='gcn', install_requires=REQUIRES, extras_require={'plot': ['matplotlib']},\n"
                "      entry_points={'console_scripts': ['gcn-train = gcn.train:main']})\n"
            )
        }
    )
    found = read(root)
    assert not marker.exists()
    assert found.project == "gcn"  # type: ignore[attr-defined]
    assert [d.name for d in found.dependencies] == ["torch", "numpy", "matplotlib"]  # type: ignore[attr-defined]
    assert [s.name for s in found.scripts] == ["gcn-train"]  # type: ignore[attr-defined]


def test_computed_requirements_are_reported_not_guessed(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "setup.py": "from setuptools import setup\n"
            "setup(install_requires=open('requirements.txt').read().splitlines(),\n"
            "      entry_points='[console_scripts]\\nrun-it = pkg.cli:main\\n')\n"
        }
    )
    found = read(root)
    assert found.dependencies == []  # type: ignore[attr-defined]
    assert next(n.detail for n in found.notices).startswith("install_requires is computed")  # type: ignore[attr-defined]
    assert [(s.name, s.target) for s in found.scripts] == [("run-it", "pkg.cli:main")]  # type: ignore[attr-defined]


def test_environment_yml_and_broken_files(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "environment.yml": "dependencies:\n  - python=3.11\n  - conda-forge::numpy=1.26\n  - pip:\n    - torch\n",
            "pyproject.toml": "[project\nbroken",
            "setup.py": "def (:\n",
        }
    )
    found = read(root)
    assert [(d.name, d.spec, d.group) for d in found.dependencies] == [  # type: ignore[attr-defined]
        ("numpy", "numpy==1.26", "conda"),
        ("torch", "torch", "pip"),
    ]
    assert sorted(n.path for n in found.notices) == ["pyproject.toml", "setup.py"]  # type: ignore[attr-defined]
