"""Background jobs (*tác vụ nền*): long work run by the queue's worker, with progress, a result file or an error report."""
