"""Oversight reports: compliance against each council's pack, dip samples for audit."""
