"""Deadlines: the working-day calendar (holidays and the government's substitutions) and each tenant's SLA policy."""
