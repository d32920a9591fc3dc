"""Shared pytest configuration: tests/files holds deliberately broken submissions."""

collect_ignore_glob = ["files/*"]
