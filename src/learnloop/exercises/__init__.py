"""Step 2: a short self-check of the Python a learner needs "to cobble scripts together".

The exercises are data (``exercises.yaml``, validated by :mod:`.catalog`): function exercises (a prompt,
a starter, hidden calls with their answers) in core Python, NumPy and pandas, and script exercises (whole
files run with command-line arguments and files of their own, like the scripts of a project), each with
a hint shown on request and a solution shown once the learner's answer passed.

:mod:`.grader` grades a learner's answer in a sandbox: :mod:`.supervisor` (the trusted side, run as a
fresh process) builds it from Linux namespaces where it can, runs the learner's code there (for function
exercises through :mod:`.harness`, which only sends back the values returned), judges what came back, and
reports over a pipe the learner's code never holds. :func:`.grader.sandbox_status` says what the sandbox
does on this machine. :mod:`.workspace` writes starter files and finds them again.
"""
