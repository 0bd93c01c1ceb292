"""The project-private multipledispatch namespace (never the global one)."""

NAMESPACE: dict = {}
