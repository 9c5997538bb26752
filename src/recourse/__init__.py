"""Recourse: the post-purchase service of a marketplace."""

__version__ = "0.1.0"
