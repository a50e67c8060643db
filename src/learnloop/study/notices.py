"""A file or folder left out, or read with care, while walking or unpacking a tree.

A plain dataclass rather than the report's pydantic ``Notice``: walking and parsing must not wait for
pydantic to import (the report is built later, while the workers parse). The report converts them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileNotice:
    path: str
    kind: str  # one of learnloop.study.report.NoticeKind
    detail: str
