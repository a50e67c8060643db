"""Walking a tree: what is read, what is left out and why; links never followed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from learnloop.study.scan import scan_tree


def paths(root: Path, **options: object) -> list[str]:
    return sorted(f.path for f in scan_tree(root, **options).files)  # type: ignore[arg-type]


def test_languages_come_from_names_and_extensions(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "a.py": "x = 1\n",
            "Makefile": "all:\n",
            "CMakeLists.txt": "project(x)\n",
            "notes.txt": "hi\n",
            "data.bin": b"\x00\x01",
            "img.PNG": b"\x89PNG",
        }
    )
    scan = scan_tree(root)
    languages = {f.path: f.language for f in scan.files}
    assert languages == {"a.py": "Python", "Makefile": "Makefile", "CMakeLists.txt": "CMake", "notes.txt": "Text"}
    assert scan.other_files == 2 and scan.other_bytes == 6


def test_version_control_virtualenvs_and_caches_are_left_out(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "keep.py": "",
            ".git/config": "[core]\n",
            ".git/hooks/x.py": "",
            "node_modules/lib/index.js": "x",
            "env/pyvenv.cfg": "home = /usr\n",
            "env/lib/site.py": "",
            "pkg/__pycache__/m.py": "",
            "pkg.egg-info/PKG-INFO": "",
            ".venv/lib/a.py": "",
            "conda/conda-meta/history": "",
            "conda/x.py": "",
            "env2/bin/activate": "",
            "env2/lib/y.py": "",
            "src/env/real.py": "",
        }
    )
    scan = scan_tree(root)
    assert sorted(f.path for f in scan.files) == ["keep.py", "src/env/real.py"]
    assert {".git/", "node_modules/", "env/", "pkg/__pycache__/", "pkg.egg-info/", ".venv/", "conda/", "env2/"} <= set(
        scan.excluded
    )


def test_gitignore_is_respected_at_every_level(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            ".gitignore": "build/\n*.log\n/secret.py\n!keep.log\n",
            "build/out.py": "",
            "app.log": "",
            "keep.log": "",
            "secret.py": "",
            "sub/secret.py": "",
            "sub/.gitignore": "generated_*.py\n",
            "sub/generated_a.py": "",
            "sub/real.py": "",
            "other/generated_b.py": "",
        }
    )
    assert paths(root) == ["other/generated_b.py", "sub/real.py", "sub/secret.py"]
    scan = scan_tree(root)
    assert "build/ (.gitignore)" in scan.excluded
    assert scan.ignored_files == 3  # app.log, secret.py, sub/generated_a.py; keep.log is back in, as "other"
    assert scan.other_files == 3  # .gitignore, sub/.gitignore, keep.log
    assert "build/out.py" in paths(root, use_gitignore=False)


def test_git_info_exclude_counts_like_a_gitignore(make_tree: Callable[..., Path]) -> None:
    root = make_tree({".git/info/exclude": "local_*.py\n", "local_x.py": "", "x.py": ""})
    assert paths(root) == ["x.py"]


def test_oversized_files_are_skipped_with_a_notice(make_tree: Callable[..., Path]) -> None:
    root = make_tree({"big.py": "x = 1\n" * 50_000, "small.py": "y = 2\n"})
    scan = scan_tree(root, max_file_bytes=100_000)
    assert [f.path for f in scan.files] == ["small.py"]
    [notice] = scan.notices
    assert notice.kind == "oversized" and notice.path == "big.py" and "limit" in notice.detail


def test_symlink_loops_outside_links_and_dangling_links_are_reported_not_followed(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_tree({"pkg/mod.py": "import os\n", "outside_target.py": ""}, name="repo")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.py").write_text("")
    os.symlink("..", root / "pkg" / "up")  # a folder link back to its own parent: a loop
    os.symlink("self", root / "self")  # a link to itself: the system says ELOOP
    os.symlink(str(outside), root / "out")
    os.symlink("missing.py", root / "dangling.py")
    os.symlink("pkg/mod.py", root / "alias.py")  # inside the tree: read where it lives, no notice
    scan = scan_tree(root)
    assert sorted(f.path for f in scan.files) == ["outside_target.py", "pkg/mod.py"]
    kinds = {n.path: n.kind for n in scan.notices}
    assert kinds == {
        "pkg/up": "symlink-loop",
        "self": "symlink-loop",
        "out": "symlink-outside",
        "dangling.py": "broken-symlink",
    }


def test_an_unreadable_folder_is_a_notice(make_tree: Callable[..., Path]) -> None:
    root = make_tree({"ok.py": "", "locked/x.py": ""})
    (root / "locked").chmod(0)
    try:
        scan = scan_tree(root)
    finally:
        (root / "locked").chmod(0o755)
    if os.geteuid() == 0:  # root reads through permissions: the folder is simply read
        assert {f.path for f in scan.files} == {"ok.py", "locked/x.py"}
    else:
        assert [n.kind for n in scan.notices] == ["unreadable"]
