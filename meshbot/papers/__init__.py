"""The committee's paperwork: digests, monthly reports, the needs map, and how they are rendered."""
