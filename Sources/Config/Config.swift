// Config stage.
