// Simulation stage.
