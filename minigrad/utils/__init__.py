"""Utilities: `minigrad.utils.data` (datasets and loaders)."""
