"""Volunteer services, rotating care pods and scheduled events: the logic behind the
`meshbot services`/`meshbot events` commands and the SERVICES, SIGNUP, VOLUNTEER, CANT,
DONE s3, EVENTS and RSVP verbs. Tables in store/services.py."""
