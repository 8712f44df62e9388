"""Statistics and indicators of requests (issue 11): counters kept with each write, read per office and nationally."""
