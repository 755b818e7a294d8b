"""What keeps the daemon's threads alive: crash barriers, the watchdog, housekeeping rounds."""
