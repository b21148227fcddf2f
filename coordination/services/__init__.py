"""Writes of the coordination domain. Views, commands and tasks call these; nothing else writes."""
