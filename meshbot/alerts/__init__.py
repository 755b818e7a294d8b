"""Alerts and emergencies: the broadcast policy, repeat rounds, CAP, the emergency plan and board."""
