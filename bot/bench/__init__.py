"""Benchmarks and dev-set evaluations; ``fraudbot bench`` runs them and prints Markdown."""
