"""The board: matching offers with needs, the life of a match, the committee's views of it."""
