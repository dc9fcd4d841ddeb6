import Engage
import Measure
import Warehouse

/// Measures a workflow's arms and conversions from the warehouse alone: what an analyst
/// with SQL access would compute, after every loss and delay of the pipeline.
///
/// Arms come from the `Experiment Viewed` events the messaging engine sent (the first one
/// per user). A user converts when the warehouse contains an `Order Completed` from them at
/// or after that assignment.
enum WarehouseLift {
  static let assignedUsers = """
    SELECT user_id,
           json_extract(properties, '$.variation_name') AS arm,
           MIN(timestamp_ms) AS assigned_ms,
           MIN(timestamp) AS assigned_at
    FROM messages
    WHERE type = 'track' AND event = 'Experiment Viewed'
      AND json_extract(properties, '$.experiment_id') = ?
      AND user_id IS NOT NULL
    GROUP BY user_id
    """

  struct Result {
    let treatment: ArmOutcome
    let control: ArmOutcome
  }

  /// Counts customers and converters per arm, and fills the `conversions` table.
  static func measure(database: Database, workflow: String, treatmentArm: String) throws
    -> Result
  {
    let counts = try database.mapRows(
      """
      WITH assigned AS (\(assignedUsers))
      SELECT arm, COUNT(*),
             SUM(EXISTS (SELECT 1 FROM messages o
                         WHERE o.user_id = assigned.user_id AND o.event = 'Order Completed'
                           AND o.timestamp_ms >= assigned.assigned_ms))
      FROM assigned GROUP BY arm ORDER BY arm
      """, binding: [workflow]
    ) { row in
      (try row.string(at: 0), try row.int(at: 1), try row.int(at: 2))
    }

    try database.run(
      """
      INSERT INTO conversions (user_id, arm, assigned_at, order_id, product_id, revenue,
                               timestamp)
      WITH assigned AS (\(assignedUsers))
      SELECT a.user_id, a.arm, a.assigned_at,
             json_extract(o.properties, '$.order_id'),
             json_extract(o.properties, '$.product_id'),
             json_extract(o.properties, '$.revenue'),
             o.timestamp
      FROM assigned a
      JOIN messages o ON o.user_id = a.user_id AND o.event = 'Order Completed'
                     AND o.timestamp_ms >= a.assigned_ms
      ORDER BY a.user_id, o.timestamp_ms, o.message_id
      """, binding: [workflow])

    func outcome(_ arm: String) -> ArmOutcome {
      let row = counts.first { $0.0 == arm }
      return ArmOutcome(name: arm, customers: row?.1 ?? 0, conversions: row?.2 ?? 0)
    }
    return Result(
      treatment: outcome(treatmentArm), control: outcome(ExperimentConfig.holdoutArm))
  }
}
