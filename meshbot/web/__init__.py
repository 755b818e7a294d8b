"""The committee's console: a local web page on the base-station laptop (`meshbot web`)."""
