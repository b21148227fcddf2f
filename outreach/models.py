"""Outreach (sosialisasi) events; see outreach/README in docs."""
