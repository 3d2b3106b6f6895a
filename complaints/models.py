"""Complaints, their respondents and evidence."""
