// Customers stage.
