// The attribution tables of a run's `results.sqlite`, filled when the scenario's
// attribution section is enabled and empty otherwise.

extension ResultsSchema {
  /// Each model's credit per channel beside the true shares.
  public static let attributions = """
    CREATE TABLE attributions (
      model TEXT NOT NULL,
      channel TEXT NOT NULL,
      conversions REAL NOT NULL,
      value REAL NOT NULL,
      share REAL,
      removal_share REAL,
      shapley_share REAL,
      PRIMARY KEY (model, channel)
    );
    """

  /// Each model's mean absolute error and Spearman correlation against each kind of truth.
  public static let attributionScores = """
    CREATE TABLE attribution_scores (
      model TEXT NOT NULL,
      truth TEXT NOT NULL,
      mean_absolute_error REAL,
      spearman REAL,
      PRIMARY KEY (model, truth)
    );
    """

  /// Each channel's true contribution from the counterfactual passes.
  public static let attributionTruth = """
    CREATE TABLE attribution_truth (
      channel TEXT PRIMARY KEY,
      removal_loss INTEGER NOT NULL,
      removal_share REAL,
      shapley_value REAL NOT NULL,
      shapley_share REAL
    );
    """

  /// Each converting customer's conversions and the channels they owe them to.
  public static let attributionCustomers = """
    CREATE TABLE attribution_customers (
      customer INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      conversions INTEGER NOT NULL,
      never_incremental INTEGER NOT NULL,
      incremental_channels TEXT NOT NULL
    );
    """
}
