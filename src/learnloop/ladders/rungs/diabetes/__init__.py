"""Rungs of the diabetes ladder."""
