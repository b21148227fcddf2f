"""Reads and aggregations of the coordination domain."""
