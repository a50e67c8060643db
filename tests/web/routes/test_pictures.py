"""Pictures are served by name from the server's own folder, never from a path in the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import NotFound
from learnloop.web.pictures import Pictures

from ..conftest import Web


def test_a_drawn_picture_is_served_as_png(web: Web) -> None:
    path = web.server.pictures.path_for("try-svm.png")
    path.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    response = web.get("/pictures/try-svm.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.endswith(b"fake")


@pytest.mark.parametrize(
    "name", ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "x.svg", ".hidden.png", "a%00.png", "missing.png"]
)
def test_anything_else_is_a_404(web: Web, name: str) -> None:
    response = web.get(f"/pictures/{name}")
    assert response.status_code == 404


def test_names_are_checked_before_touching_the_disk(tmp_path: Path) -> None:
    pictures = Pictures(tmp_path / "p")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    with pytest.raises(ValueError):
        pictures.path_for("../secret.png")
    with pytest.raises(NotFound):
        pictures.find("../secret.png")
    assert not pictures.exists("../secret.png")
    pictures.path_for("ok-1.png").write_bytes(b"y")
    assert pictures.find("ok-1.png").read_bytes() == b"y"
