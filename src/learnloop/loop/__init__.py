"""The learner's loop: passes, steps, focus, notes, projects, gaps, time boxes and history."""
