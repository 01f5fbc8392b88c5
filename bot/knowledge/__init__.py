"""Advisories: the model, loading and validation, chunking, and the operator's data files."""
