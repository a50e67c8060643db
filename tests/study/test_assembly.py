"""Putting the report together: which paths are tests and vendored code."""

from __future__ import annotations

from learnloop.study.assembly import is_test_path, is_vendored_path


def test_test_and_vendored_paths() -> None:
    assert is_test_path("tests/x.py") and is_test_path("pkg/test_a.py") and is_test_path("conftest.py")
    assert is_test_path("pkg/a_test.py") and not is_test_path("pkg/testing_utils.py")
    assert is_vendored_path("pkg/_vendor/six.py") and is_vendored_path("sklearn/externals/x.py")
    assert not is_vendored_path("pkg/vendors.py")
