"""Satisfaction surveys (*khảo sát mức độ hài lòng*, Decision 681 Art. 8–9): plans, questionnaires, samples, invitations, answers, the tally."""
