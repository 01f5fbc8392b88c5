"""The transport-agnostic core: answers, scam checks, the checklist engine and triage."""
