"""repo-check: the engine, one module per rule, and the fixes that travel with them."""
