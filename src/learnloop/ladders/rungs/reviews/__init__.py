"""Rungs of the reviews ladder."""
