// Test fixtures.
