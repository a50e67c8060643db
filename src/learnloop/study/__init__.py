"""Step 1: study a repository without running it.

:func:`learnloop.study.survey.study_repository` is the one entry point the front doors call; it
returns a :class:`learnloop.study.report.StudyReport`. The renderers (:mod:`.markdown`, :mod:`.notes`,
:func:`.graph.to_dot`, :func:`.picture.draw_graph`) turn a report into files. Nothing in this package
imports, executes or spawns anything from the studied tree: files are read and parsed with ``ast``.
"""
