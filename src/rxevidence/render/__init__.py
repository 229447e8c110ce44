"""Renderers: turn a Brief, an AuditReport or a Record into text. Renderers never query."""
