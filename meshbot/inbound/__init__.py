"""Where a received text arrives: the pubsub listener, the journal, the worker, the gate, rate limits."""
