"""Runs over many documents: a directory, a dataset file, resume, and Ray Data."""
