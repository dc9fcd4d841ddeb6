// Measure stage.
