// Warehouse stage.
