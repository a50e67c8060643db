"""Rungs of the cora ladder."""
