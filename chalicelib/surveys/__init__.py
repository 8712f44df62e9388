"""Satisfaction surveys (Decision 681 Art. 8–9): plans, questionnaires, samples, invitations, answers."""
