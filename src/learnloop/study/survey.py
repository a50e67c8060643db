"""Study a repository without running it: the one feature function the CLI and the web page call.

The steps: open the folder (or unpack the archive safely), walk it, read every file (in parallel on
large trees), name the modules and resolve every import from where it is written, then put the
report together: sizes, libraries with their map cards, declared dependencies, entry points, model
classes, the import graph and a reading order. Nothing in the studied tree is imported or executed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learnloop.study.archive import opened_source
from learnloop.study.inspection import inspect_files
from learnloop.study.picture import check_picture_path
from learnloop.study.scan import DEFAULT_MAX_FILE_BYTES, scan_tree

if TYPE_CHECKING:
    from learnloop.study.report import StudyReport

StudyProgress = Callable[[str, int, int], None]


def study_repository(
    source: str | Path,
    *,
    atlas: Any = None,
    with_map: bool = True,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    workers: int | None = None,
    progress: StudyProgress | None = None,
    picture: Path | None = None,
    use_cache: bool = True,
    refresh: bool = False,
) -> StudyReport:
    """Study the folder, archive, bare repository or remote repository (``OWNER/NAME``, a git URL) at ``source``.

    ``atlas``: the map to find library cards in (default: the packaged one; ``with_map=False`` skips the
    cards). ``workers``: processes for parsing (None: chosen from the tree's size). ``progress(phase, done,
    total)`` is called as files are read. ``picture``: also draw the import graph there (.png or .svg);
    drawing here rather than afterwards lets matplotlib load while the workers parse. ``use_cache``: take the facts
    of files unchanged since the last study of this folder from the learner's cache (and keep this study's).
    ``refresh``: clone a remote repository again rather than reuse the clone in the cache.
    """
    if picture is not None:
        check_picture_path(picture)
    import gc

    collecting = gc.isenabled()
    gc.disable()  # the report is thousands of small objects without cycles: collecting while building costs 20%
    try:
        return _study(
            source,
            atlas=atlas,
            with_map=with_map,
            max_file_bytes=max_file_bytes,
            workers=workers,
            progress=progress,
            picture=picture,
            use_cache=use_cache,
            refresh=refresh,
        )
    finally:
        if collecting:
            gc.enable()


def _study(
    source: str | Path,
    *,
    atlas: Any,
    with_map: bool,
    max_file_bytes: int,
    workers: int | None,
    progress: StudyProgress | None,
    picture: Path | None,
    use_cache: bool,
    refresh: bool = False,
) -> StudyReport:
    with opened_source(source, max_member_bytes=max_file_bytes, progress=progress, refresh=refresh) as opened:
        if progress:
            progress("scanning", 0, 0)
        scan = scan_tree(opened.root, max_file_bytes=max_file_bytes)
        loaded: dict[str, Any] = {"atlas": atlas}

        def meanwhile(parallel: bool) -> None:
            """Work for this process while the workers parse: import the report's models, read the map's library
            cards, list installed packages, load matplotlib and render once. (Which installed package ships a
            module under another name is read only when an import needs it: ``libraries.InstalledDistributions``
            skips the names that are not on the path.)"""
            import learnloop.study.assembly  # noqa: F401 - the report's modules, off the critical path
            from learnloop.study.libraries import installed_distributions

            if (
                with_map
                and loaded["atlas"] is None
                and any(f.language in ("Python", "Jupyter Notebook", "Cython") for f in scan.files)
            ):  # no code, no libraries
                from learnloop.atlas.cards import library_cards

                loaded["atlas"] = library_cards()  # the cards only: the whole map is not validated for them
            installed_distributions()
            if picture is not None:
                from learnloop.study.picture import prepare_drawing

                prepare_drawing()

        reporter = (lambda done, total: progress("reading", done, total)) if progress else None
        cache = None
        if use_cache and opened.origin in (None, "cloned", "reused"):  # unpacked archives are new folders each time
            from learnloop.study.address import study_cache
            from learnloop.study.parse_cache import ParseCache

            cache = ParseCache.for_folder(opened.root, study_cache(), max_file_bytes)
        facts = inspect_files(
            str(opened.root),
            scan.files,
            workers=workers,
            progress=reporter,
            meanwhile=meanwhile,
            max_file_bytes=max_file_bytes,
            cache=cache,
        )
        from learnloop.study.assembly import assemble
        from learnloop.study.dependencies import read_declarations

        declarations = read_declarations(opened.root, [f.path for f in scan.files])
        if progress:
            progress("linking", 0, 0)
        root_name = opened.root.name if opened.root.name.isidentifier() else opened.name
        report = assemble(
            str(source),
            opened.name,
            root_name,
            scan,
            facts,
            declarations,
            atlas=loaded["atlas"] if with_map else None,
            extra_notices=opened.notices,
        )
        if opened.origin is not None:
            report = report.model_copy(update={"origin": opened.origin})
    if picture is not None:
        from learnloop.study.picture import draw_graph

        if progress:
            progress("drawing", 0, 0)
        draw_graph(report, picture)
    return report
