"""Components: take a state object and build elements; never open a database or start an app-level timer."""
