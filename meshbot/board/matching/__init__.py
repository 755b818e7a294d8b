"""Matching offers with needs: item keys, units, the policy, and the whole-board pass.

Everything here is pure: plain values in, plain values out, no clock and no database.
`meshbot/board/matcher.py` is the thin layer that reads the store into these values and
writes what they decide.
"""
