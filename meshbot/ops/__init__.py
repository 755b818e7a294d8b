"""Running a base station: backups, doctor, the systemd service, canned messages."""
