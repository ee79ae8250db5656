"""Step definitions of the fault matrix (features/handwritten/faults.feature)."""
