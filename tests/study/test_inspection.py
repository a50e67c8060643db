"""Reading files: binary content, other encodings, and the same facts in parallel as in one process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from learnloop.study.inspection import balanced_chunks, decode, inspect_file, inspect_files
from learnloop.study.scan import FoundFile, scan_tree


def test_binary_content_in_a_source_file_is_a_notice(make_tree: Callable[..., Path]) -> None:
    root = make_tree({"weird.py": b"\x7fELF\x00\x00binary"})
    facts = inspect_file(str(root), FoundFile("weird.py", 10, "Python"))
    assert facts.notice is not None and facts.notice[0] == "binary" and facts.python is None


def test_latin1_text_is_read_and_flagged(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "old.py": "name = 'caf\u00e9'\nimport os\n".encode("latin-1"),
            "declared.py": "# -*- coding: cp1252 -*-\nx = '\u20ac'\nimport sys\n".encode("cp1252"),
        }
    )
    old = inspect_file(str(root), FoundFile("old.py", 20, "Python"))
    assert old.notice is not None and old.notice[0] == "not-utf8" and "Latin-1" in old.notice[1]
    assert old.python is not None and old.python.problem is None
    assert [m for m, *_rest in old.python.imports] == ["os"]
    declared = inspect_file(str(root), FoundFile("declared.py", 20, "Python"))
    assert declared.notice is not None and "cp1252" in declared.notice[1]
    assert declared.python is not None and [m for m, *_rest in declared.python.imports] == ["sys"]


def test_decode_drops_a_utf8_bom() -> None:
    assert decode(b"\xef\xbb\xbfx = 1\n") == ("x = 1\n", None)


def test_a_vanished_file_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    facts = inspect_file(str(tmp_path), FoundFile("gone.py", 3, "Python"))
    assert facts.notice is not None and facts.notice[0] == "unreadable"


def test_the_pool_finds_exactly_what_one_process_finds(make_tree: Callable[..., Path]) -> None:
    files: dict[str, str | bytes] = {
        f"pkg/m{i}.py": f'"""Module {i}."""\nimport os\nfrom . import m{i + 1}\n' for i in range(40)
    }
    files["pkg/__init__.py"] = ""
    files["pkg/bad.py"] = "print 'old'\n"
    files["notes.md"] = "# x\n"
    root = make_tree(files)
    found = scan_tree(root).files
    here = inspect_files(str(root), found, workers=1)
    pooled = inspect_files(str(root), found, workers=2)
    assert [f.path for f in pooled] == [f.path for f in found]
    assert [(f.path, f.lines, f.python) for f in pooled] == [(f.path, f.lines, f.python) for f in here]
    assert next(f for f in pooled if f.path == "pkg/bad.py").python.problem.kind == "python2"  # type: ignore[union-attr]


def test_progress_reaches_the_total_and_meanwhile_runs_once(make_tree: Callable[..., Path]) -> None:
    root = make_tree({f"m{i}.py": "x = 1\n" for i in range(10)})
    found = scan_tree(root).files
    for workers in (1, 2):
        seen: list[tuple[int, int]] = []
        calls: list[bool] = []
        inspect_files(
            str(root),
            found,
            workers=workers,
            progress=lambda d, t, seen=seen: seen.append((d, t)),
            meanwhile=lambda parallel, calls=calls: calls.append(parallel),
        )
        assert seen[-1] == (10, 10) and calls == [workers == 2]


def test_chunks_are_balanced_by_size() -> None:
    sizes = [900_000, 500_000, 400_000, 300_000, 100_000, 100_000]
    files = [FoundFile(f"f{i}.py", size, "Python") for i, size in enumerate(sizes)]
    chunks = balanced_chunks(files, 2)
    loads = sorted(sum(f.size for f in chunk) for chunk in chunks)
    assert loads == [1_100_000, 1_200_000] and sum(len(c) for c in chunks) == 6
    assert len(balanced_chunks(files, 50)) == 6  # never more chunks than files
