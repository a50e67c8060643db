"""Rungs of the penguins ladder."""
