"""Column types more than one table shares."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column


def node_column(**kwargs: object) -> Column:
    """Node numbers reach 0xFFFFFFFF: BIGINT so PostgreSQL can hold them."""
    return Column(BigInteger, **kwargs)
