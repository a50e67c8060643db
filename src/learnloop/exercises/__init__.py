"""Step 2: a short self-check of the Python a learner needs "to cobble scripts together".

The exercises are data (``exercises.yaml``: prompt, starter code, hidden cases); :mod:`.grader` runs a
learner's file in a separate, limited process (time, CPU, memory, output) inside a temporary folder and
says in words which case failed first; :mod:`.workspace` writes starter files and finds them again.
"""
