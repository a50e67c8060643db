"""Rungs of the digits ladder."""
