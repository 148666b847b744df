"""Pure reads of a workshop: the coherence rules, the comparison of two quarters,
the canonical snapshot leaders sign, and what a brainstorm still hides. Nothing
here writes, and nothing takes a request."""
