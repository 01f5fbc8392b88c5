"""Fraud-awareness chatbot: answers from official anti-fraud advisories, always cited."""

__version__ = "0.1.0"
