"""Keys at rest, the audit chain, signed export bundles, and wiping a station."""
