"""Read every file the scan found: lines per language, and the facts of Python files and notebooks.

Parsing dominates the cost of a study (``ast.parse`` is about 80% of reading a Python file), so large
trees are read by a process pool (one worker per core, forked on Linux so the workers start at once).
Small trees are read in this process: a pool costs a fork per worker and pickling the facts back. On
this project's shared 2-core machine, with other work running, two workers did not beat one below
about 2.5 MB of Python and gained 1.1-1.4x on scikit-learn and pandas (``benchmarks/study_vs_peers.py``);
``PARALLEL_MIN_BYTES`` sits lower because an idle machine gains more. Reading a file never imports,
executes or compiles it to code.
"""

from __future__ import annotations

import codecs
import gc
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from learnloop.study.commands import QuotedCommand, is_doc_page, read_commands, read_targets
from learnloop.study.languages import LineCount, count_lines, count_python_lines, language_table
from learnloop.study.notebooks import NotebookError, NotebookFacts, read_notebook
from learnloop.study.parse_cache import ParseCache
from learnloop.study.pysource import Problem, PythonFacts, read_python, scan_imports_by_line, scan_python
from learnloop.study.roles import is_test_path, is_vendored_path, may_run
from learnloop.study.scan import FoundFile, read_regular_bytes
from learnloop.study.signals import Signals, read_signals

PARALLEL_MIN_BYTES = 1_500_000
# Python files larger than this are not given to ``ast`` (a generated 200 MB file would exhaust memory): their
# imports are read line by line and their lines counted.
PARSE_MAX_BYTES = 8 * 1024 * 1024
BINARY_SNIFF = 8192
PARSED_LANGUAGES = ("Python", "Jupyter Notebook")

Progress = Callable[[int, int], None]

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.M)


@dataclass(slots=True)
class FileFacts:
    path: str
    language: str
    size: int
    lines: LineCount = field(default_factory=LineCount)
    notice: tuple[str, str] | None = None  # (kind, detail) when the file was skipped or read degraded
    python: PythonFacts | None = None
    notebook: NotebookFacts | None = None
    signals: Signals | None = None
    commands: list[QuotedCommand] | None = None  # run commands quoted in a README or docs page
    targets: list[tuple[str, int]] | None = None  # Makefile / justfile / tox.ini targets


def inspect_files(
    root: str,
    files: list[FoundFile],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    meanwhile: Callable[[bool], None] | None = None,
    max_file_bytes: int | None = None,
    cache: ParseCache | None = None,
) -> list[FileFacts]:
    """Facts for each file, in the order given. ``workers``: None chooses, 1 reads in this process.
    ``meanwhile(parallel)`` runs in this process while the workers parse (``parallel`` True), or after
    reading when there are no workers (False). ``cache``: facts of unchanged files are taken from it, and the
    ones read now are kept in it."""
    if cache is None:
        return _inspect_all(root, files, workers, progress, meanwhile, max_file_bytes)
    known = cache.lookup(files)
    missing = [f for f in files if f.path not in known]
    read = _inspect_all(root, missing, workers, progress, meanwhile, max_file_bytes) if missing else []
    if not missing and meanwhile is not None:
        meanwhile(False)
    cache.keep(missing, read)
    cache.save(files)
    fresh = {f.path: f for f in read}
    return [known.get(f.path) or fresh[f.path] for f in files]


def _inspect_all(
    root: str,
    files: list[FoundFile],
    workers: int | None,
    progress: Progress | None,
    meanwhile: Callable[[bool], None] | None,
    max_file_bytes: int | None,
) -> list[FileFacts]:
    parsed_bytes = sum(f.size for f in files if f.language in PARSED_LANGUAGES)
    if workers is None:
        workers = default_workers(parsed_bytes)
    if workers <= 1 or len(files) < 2:
        results = _inspect_here(root, files, progress, max_file_bytes)
        if meanwhile is not None:
            meanwhile(False)
        return results
    return _inspect_in_pool(root, files, workers, progress, meanwhile, max_file_bytes)


def default_workers(parsed_bytes: int) -> int:
    """One process below ``PARALLEL_MIN_BYTES`` of source, and on machines of two cores or fewer (measured here:
    two workers on two shared cores cost 15% more CPU and were no faster once another program ran); else one per
    core, at most eight."""
    cores = os.cpu_count() or 1
    if parsed_bytes < PARALLEL_MIN_BYTES or cores <= 2:
        return 1
    return min(cores, 8)


def _inspect_here(
    root: str, files: list[FoundFile], progress: Progress | None, max_file_bytes: int | None = None
) -> list[FileFacts]:
    results: list[FileFacts] = []
    step = max(1, len(files) // 50)
    was_enabled = gc.isenabled()
    gc.disable()  # syntax trees hold no cycles; collecting while building them doubles the cost
    try:
        for index, found in enumerate(files, start=1):
            results.append(inspect_file(root, found, max_file_bytes=max_file_bytes))
            if progress is not None and (index % step == 0 or index == len(files)):
                progress(index, len(files))
    finally:
        if was_enabled:
            gc.enable()
    return results


def _inspect_chunk(root: str, files: list[FoundFile], max_file_bytes: int | None) -> list[FileFacts]:
    gc.disable()
    return [inspect_file(root, found, max_file_bytes=max_file_bytes) for found in files]


def _inspect_in_pool(
    root: str,
    files: list[FoundFile],
    workers: int,
    progress: Progress | None,
    meanwhile: Callable[[bool], None] | None,
    max_file_bytes: int | None,
) -> list[FileFacts]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    chunks = balanced_chunks(files, workers * 6)
    done = 0
    by_path: dict[str, FileFacts] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        futures = [pool.submit(_inspect_chunk, root, chunk, max_file_bytes) for chunk in chunks]
        if meanwhile is not None:  # the workers are forked by now: safe to import and read in this process
            meanwhile(True)
        for future in as_completed(futures):
            for facts in future.result():
                by_path[facts.path] = facts
            done += 1
            if progress is not None:
                progress(sum(len(c) for c in chunks[:done]), len(files))
    return [by_path[f.path] for f in files]


def balanced_chunks(files: list[FoundFile], count: int) -> list[list[FoundFile]]:
    """Split files into ``count`` chunks of similar total size (largest files first, greedy)."""
    count = max(1, min(count, len(files)))
    chunks: list[list[FoundFile]] = [[] for _ in range(count)]
    loads = [0] * count
    for found in sorted(files, key=lambda f: f.size, reverse=True):
        lightest = loads.index(min(loads))
        chunks[lightest].append(found)
        loads[lightest] += found.size + 2048  # a small per-file cost: opening, stat, bookkeeping
    return [c for c in chunks if c]


def inspect_file(root: str, found: FoundFile, *, max_file_bytes: int | None = None) -> FileFacts:
    """Read one file (never raises: problems become a notice on the result).

    Only a regular file is opened (never a pipe or a device, even one swapped in since the walk), without
    following links, and never more than its size allows: the first bytes are sniffed for binary content
    before the rest is read."""
    facts = FileFacts(found.path, found.language or "other", found.size)
    limit = found.size + BINARY_SNIFF  # the walk checked the size against the limit; a file that grew is refused
    try:
        data = read_regular_bytes(os.path.join(root, found.path), limit, sniff=BINARY_SNIFF)
    except OSError as exc:
        facts.notice = ("unreadable", exc.strerror or str(exc))
        return facts
    if data is None:
        facts.notice = ("binary", f"binary content in a {facts.language} file: not read")
        return facts
    text, encoding_note = decode(data)
    if encoding_note:
        facts.notice = ("not-utf8", encoding_note)
    table = language_table()
    if facts.language == "Python":
        if len(data) > PARSE_MAX_BYTES:
            python = PythonFacts(
                imports=scan_imports_by_line(text),
                problem=Problem(
                    "too-large",
                    None,
                    f"{len(data) / 1024**2:.0f} MiB: its imports were read line by line, it was not parsed",
                ),
            )
        elif is_test_path(found.path) or is_vendored_path(found.path):
            # tests and vendored code: only their imports and __main__ guard matter (their role is their path);
            # read line by line, a tenth of the cost of a syntax tree (their docstrings count as code lines)
            python = scan_python(text)
        else:
            python = read_python(text, filename=found.path)
            facts.signals = read_signals(text, runs=may_run(found.path, python))
        facts.python = python
        facts.lines = count_python_lines(text, python.docstring_lines)
    elif facts.language == "Jupyter Notebook":
        try:
            notebook = read_notebook(text)
        except NotebookError as exc:
            facts.notice = ("notebook", f"not a readable notebook ({exc})")
            return facts
        if max_file_bytes is not None and notebook.source_bytes > max_file_bytes:
            facts.notice = (
                "oversized",
                f"{notebook.source_bytes / 1024**2:.1f} MiB of cell source, over the "
                f"{max_file_bytes / 1024**2:.1f} MiB limit: not read",
            )
            return facts
        facts.notebook = notebook
        facts.lines = notebook.lines
        facts.signals = notebook.signals
    else:
        facts.lines = count_lines(text, table.by_name[facts.language])
        name = found.path.rpartition("/")[2]
        if is_doc_page(found.path):
            facts.commands = read_commands(text)
        elif facts.language in ("Makefile", "just", "INI"):
            facts.targets = read_targets(name, text)
    return facts


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a file: UTF-8, else the PEP 263 coding cookie, else Latin-1 (with a note saying so)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    head = b"\n".join(data.split(b"\n", 2)[:2])
    cookie = _COOKIE.search(head)
    if cookie:
        encoding = cookie.group(1).decode("ascii", "replace")
        try:
            return data.decode(encoding), f"not UTF-8: read as {encoding}, as its coding line says"
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("latin-1"), "not UTF-8: read as Latin-1, some characters may be wrong"
