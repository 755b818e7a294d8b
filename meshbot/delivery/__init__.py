"""Where answers are queued and sent: the outbox, the sender, pacing, airtime budget."""
