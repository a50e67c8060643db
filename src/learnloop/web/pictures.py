"""Pictures the server draws (try, descent plot, import graph, learning curve), kept in its own temp folder.

The picture route serves only names made here: letters, digits, dashes, one ``.png``. No path
from a request ever reaches the file system beyond this folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from learnloop.errors import NotFound

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,120}\.png$")


class Pictures:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, name: str) -> Path:
        """Where to draw a picture called ``name`` (a safe name, made by the server)."""
        if not _NAME.match(name):
            raise ValueError(f"unsafe picture name {name!r}")
        return self.folder / name

    def find(self, name: str) -> Path:
        """An existing picture by name; NotFound for anything else."""
        if not _NAME.match(name):
            raise NotFound("picture", name)
        path = self.folder / name
        if not path.is_file():
            raise NotFound("picture", name)
        return path

    def exists(self, name: str) -> bool:
        return bool(_NAME.match(name)) and (self.folder / name).is_file()
