"""Approval (phê duyệt) of a plan or a report by the office's leader, one mechanism for every subject kind."""
