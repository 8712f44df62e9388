"""Policy-implementation reports (Decision 681 Art. 14–15): regular and ad hoc, approved, consolidated, frozen."""
