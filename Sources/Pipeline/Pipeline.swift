// Pipeline stage.
