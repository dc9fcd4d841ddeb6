// LoopSim stage.
