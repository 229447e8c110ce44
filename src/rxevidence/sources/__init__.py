"""Record sources: one module per public format, registered in :mod:`rxevidence.sources.registry`."""
