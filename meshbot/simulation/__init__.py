"""The daemon on the simulated mesh: the demo, scripted outages, `parse` on a scratch board."""
