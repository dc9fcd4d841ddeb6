// Engage stage.
