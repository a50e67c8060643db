"""The reading order: README, one entry point, what it uses, tests and vendored code skipped."""

from __future__ import annotations

from learnloop.study.order import is_side_path, reading_order
from learnloop.study.report import EntryPoint, ModelClass, ModuleInfo


def module(name: str, path: str, *, package: bool = False, test: bool = False, vendored: bool = False) -> ModuleInfo:
    return ModuleInfo(name=name, path=path, lines=10, package=package, test=test, vendored=vendored)


MODULES = [
    module("app", "app/__init__.py", package=True),
    module("app.train", "app/train.py"),
    module("app.models", "app/models.py"),
    module("app.data", "app/data.py"),
    module("app._vendor.six", "app/_vendor/six.py", vendored=True),
    module("tests.test_app", "tests/test_app.py", test=True),
    module("tools.release", "tools/release.py"),
]
EDGES = [
    ("app.train", "app.models"),
    ("app.train", "app.data"),
    ("app.data", "app._vendor.six"),
    ("tests.test_app", "app.train"),
    ("app.models", "app.data"),
]
MODEL = ModelClass(
    name="Net", module="app.models", path="app/models.py", line=3, base="torch.nn.Module", framework="PyTorch"
)


def test_readme_then_the_entry_point_then_what_it_uses() -> None:
    entries = [
        EntryPoint(kind="main-block", path="tools/release.py", line=5, module="tools.release"),
        EntryPoint(kind="main-block", path="tests/test_app.py", line=9, module="tests.test_app"),
        EntryPoint(kind="main-block", path="app/train.py", line=30, module="app.train"),
    ]
    steps = reading_order(
        files=["README.md", "docs/README.md", "app/train.py"],
        modules=MODULES,
        edges=EDGES,
        entry_points=entries,
        models=[MODEL],
    )
    assert [s.path for s in steps] == ["README.md", "app/train.py", "app/models.py", "app/data.py"]
    assert "entry point" in steps[1].reason and "line 30" in steps[1].reason
    assert steps[2].reason.startswith("defines the model: Net (torch.nn.Module)")


def test_a_console_script_beats_a_main_block() -> None:
    entries = [
        EntryPoint(kind="main-block", path="app/data.py", line=5, module="app.data"),
        EntryPoint(
            kind="console-script", path="app/train.py", module="app.train", name="app-train", detail="app.train:main"
        ),
    ]
    steps = reading_order(files=[], modules=MODULES, edges=EDGES, entry_points=entries, models=[])
    assert steps[0].path == "app/train.py" and "`app-train` command" in steps[0].reason


def test_a_library_starts_at_the_module_defining_its_classes_not_its_package() -> None:
    steps = reading_order(files=[], modules=MODULES, edges=[], entry_points=[], models=[MODEL])
    assert steps[0].path == "app/models.py" and "defines the model: Net" in steps[0].reason
    assert "app/__init__.py" not in [s.path for s in steps]


def test_models_out_of_reach_are_still_named() -> None:
    entries = [EntryPoint(kind="main-block", path="app/data.py", line=5, module="app.data")]
    steps = reading_order(files=[], modules=MODULES, edges=[], entry_points=entries, models=[MODEL])
    assert steps[-1].path == "app/models.py" and "not reached" in steps[-1].reason


def test_a_notebook_can_be_the_entry_point() -> None:
    entries = [EntryPoint(kind="notebook", path="demo.ipynb", detail="3 code cells")]
    steps = reading_order(
        files=[], modules=MODULES, edges=[("demo.ipynb", "app.models")], entry_points=entries, models=[]
    )
    assert [s.path for s in steps[:2]] == ["demo.ipynb", "app/models.py"]


def test_side_paths() -> None:
    assert is_side_path("setup.py") and is_side_path("docs/conf.py") and is_side_path("pkg/_build_utils/x.py")
    assert is_side_path(".ipynb_checkpoints/a.ipynb") and not is_side_path("pkg/train.py")
    assert not is_side_path("pkg/__main__.py")
