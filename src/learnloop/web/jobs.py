"""The web's job board is :mod:`learnloop.jobs.board`; these names stay importable from here for the routes."""

from __future__ import annotations

from learnloop.jobs.board import KEEP, Cancelled, Job, JobBoard, ProgressFn

__all__ = ["KEEP", "Cancelled", "Job", "JobBoard", "ProgressFn"]
