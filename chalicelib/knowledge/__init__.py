"""The knowledge bank (1218 Art. 2.7): entries, their scenarios, and the search agents answer from mid-call."""
