"""Counting code, comment and blank lines."""

from __future__ import annotations

from learnloop.study.languages import count_lines, count_python_lines, language_table


def test_the_table_knows_names_and_extensions() -> None:
    table = language_table()
    assert table.language_of("x.PY") == "Python"
    assert table.language_of("Dockerfile") == "Dockerfile"
    assert table.language_of("CMakeLists.txt") == "CMake"
    assert table.language_of("readme.txt") == "Text"
    assert table.language_of(".bashrc") is None and table.language_of("data.parquet") is None


def test_block_and_line_comments_in_c() -> None:
    c = language_table().by_name["C"]
    counted = count_lines("/* a\n   b */\nint x;\n\n// c\nint y; /* inline */\n/* one line */\n", c)
    assert (counted.code, counted.comment, counted.blank) == (2, 4, 1)


def test_prose_has_no_comments() -> None:
    counted = count_lines("# Title\n\nSome text.\n", language_table().by_name["Markdown"])
    assert (counted.code, counted.comment, counted.blank) == (2, 0, 1)


def test_python_docstrings_count_as_comments() -> None:
    text = '"""Module.\n\nMore."""\n# a comment\nx = 1\n\n\ndef f():\n    """Doc."""\n    return x\n'
    counted = count_python_lines(text, [(1, 3), (9, 9)])
    assert (counted.code, counted.comment, counted.blank) == (3, 4, 3)
    assert counted.total == len(text.splitlines())
