"""Console passwords: one per committee member, stored only as an argon2id hash.

Apart from models.py because nothing on the mesh reads it: only the laptop's console.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class ConsoleLogin(SQLModel, table=True):
    """A member's console password (`meshbot web password !node`), as PyNaCl's argon2id string."""

    node_num: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    hash: str
    set_at: float
