"""Module names and import resolution, judged from the importing file as Python would."""

from __future__ import annotations

from learnloop.study.modules import PARENT, build_index, package_of


def test_a_folder_named_numpy_inside_a_package_does_not_hide_numpy() -> None:
    # scikit-learn vendors sklearn/externals/array_api_compat/numpy/: pipreqs then drops numpy entirely.
    index = build_index(
        [
            "__init__.py",
            "base.py",
            "externals/__init__.py",
            "externals/compat/__init__.py",
            "externals/compat/numpy/__init__.py",
            "externals/compat/numpy/linalg.py",
        ],
        "sklearn",
    )
    inner = index.by_path["externals/compat/numpy/linalg.py"]
    assert inner.id == "sklearn.externals.compat.numpy.linalg" and inner.root == PARENT
    assert index.resolve(inner.root, package_of(inner), "numpy", None, 0) == ("third-party", "numpy")
    assert index.resolve(inner.root, package_of(inner), "", "linalg", 1) == (
        "internal",
        "sklearn.externals.compat.numpy.linalg",
    )
    assert index.resolve(inner.root, package_of(inner), "base", None, 4) == ("internal", "sklearn.base")
    assert index.resolve(inner.root, package_of(inner), "sklearn.base", "BaseEstimator", 0) == (
        "internal",
        "sklearn.base",
    )
    assert index.resolve(inner.root, package_of(inner), "json", None, 0) == ("stdlib", "json")


def test_scripts_see_their_own_folder_and_the_repository_packages() -> None:
    index = build_index(
        [
            "train.py",
            "utils.py",
            "gcn/__init__.py",
            "gcn/models.py",
            "scripts/run.py",
            "scripts/helpers.py",
            "src/lib/__init__.py",
            "src/lib/core.py",
        ],
        "repo",
    )
    run = index.by_path["scripts/run.py"]
    assert run.root == "scripts" and run.id == "run"
    assert index.resolve("scripts", "", "helpers", None, 0) == ("internal", "helpers")
    assert index.resolve("scripts", "", "gcn.models", "GCN", 0) == ("internal", "gcn.models")
    assert index.resolve("scripts", "", "lib", "core", 0) == ("internal", "lib.core")  # src layout
    assert index.resolve("", "", "utils", None, 0) == ("internal", "utils")
    # a script folder's names are not visible from elsewhere...
    assert index.resolve("", "", "helpers", None, 0) == ("third-party", "helpers")
    # ...but as a namespace package from the folder above it, they are
    assert index.resolve("", "", "scripts.helpers", None, 0) == ("internal", "helpers")
    assert sorted(index.package_roots) == ["", "src"]


def test_relative_imports_stay_inside_and_too_many_dots_are_unresolved() -> None:
    index = build_index(["pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py", "pkg/sub/b.py"], "repo")
    b = index.by_path["pkg/sub/b.py"]
    assert package_of(b) == "pkg.sub"
    assert index.resolve(b.root, "pkg.sub", "a", None, 2) == ("internal", "pkg.a")
    assert index.resolve(b.root, "pkg.sub", "", "a", 2) == ("internal", "pkg.a")
    assert index.resolve(b.root, "pkg.sub", "", "b", 1) == ("internal", "pkg.sub.b")
    assert index.resolve(b.root, "pkg.sub", "x", None, 4)[0] == "unresolved"
    assert package_of(index.by_path["pkg/sub/__init__.py"]) == "pkg.sub"


def test_same_import_name_twice_gets_path_ids_and_stubs_do_not_duplicate() -> None:
    index = build_index(["a/train.py", "b/train.py", "m.py", "m.pyi", "fast.pyx", "my-script.py"], "repo")
    assert sorted(index.modules) == ["a.train", "b.train", "fast", "m"]
    assert index.modules["a.train"].import_name == "train"
    assert index.resolve("a", "", "train", None, 0) == ("internal", "a.train")
