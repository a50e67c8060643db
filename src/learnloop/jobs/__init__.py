"""Long work (a baseline, a study, a try, a scaffold) run in a small pool, capped, cancellable, and kept.

:mod:`board` holds the jobs and their workers; :mod:`records` persists each job as a row so a restart
neither loses nor forgets one; :mod:`child` runs a job's computation in a process of its own, so cancelling
it or reaching its time cap really stops it; :mod:`kinds` names the work a job can do from its parameters
alone (so a job queued before a restart is queued again after it).
"""
