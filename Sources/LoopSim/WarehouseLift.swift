import Engage
import Measure
import Simulation
import Warehouse

/// Measures an experiment's arms and conversions from the warehouse alone: what an analyst
/// with SQL access would compute, after every loss and delay of the pipeline.
///
/// Arms come from the `Experiment Viewed` events the messaging engine sent for the
/// experiment: the first one per user, which marks the user's first split in any
/// workflow. A user converts with an `Order Completed` in the warehouse that the
/// measurement section counts: at or after the assignment, within the window, and for the
/// class in the cart when the conversion product is `trigger-class`. That class is the
/// product of the user's last `Product Added` in the warehouse before the assignment.
enum WarehouseLift {
  /// The message properties the measurement reads, which the warehouse destination may not
  /// rename.
  static let propertiesRead = ["experiment_id", "variation_name", "order_id", "product_id", "revenue"]

  /// The assigned users: user id, arm, assignment time, and the class in the cart.
  static let assignedUsers = """
    SELECT a.user_id, a.arm, a.assigned_ms, a.assigned_at,
           (SELECT json_extract(p.properties, '$.product_id') FROM messages p
            WHERE p.user_id = a.user_id AND p.event = 'Product Added'
              AND p.timestamp_ms <= a.assigned_ms
            ORDER BY p.timestamp_ms DESC, p.message_id DESC LIMIT 1) AS cart_class
    FROM (SELECT user_id,
                 json_extract(properties, '$.variation_name') AS arm,
                 MIN(timestamp_ms) AS assigned_ms,
                 MIN(timestamp) AS assigned_at
          FROM messages
          WHERE type = 'track' AND event = 'Experiment Viewed'
            AND json_extract(properties, '$.experiment_id') = :experiment
            AND user_id IS NOT NULL
          GROUP BY user_id) a
    """

  /// The orders that count as conversions, one row per (assigned user, order).
  static let countedOrders = """
    SELECT a.user_id, a.arm, a.assigned_at,
           json_extract(o.properties, '$.order_id') AS order_id,
           json_extract(o.properties, '$.product_id') AS product_id,
           json_extract(o.properties, '$.revenue') AS revenue,
           o.timestamp, o.timestamp_ms, o.message_id
    FROM assigned a
    JOIN messages o ON o.user_id = a.user_id AND o.event = :event
                   AND o.timestamp_ms >= a.assigned_ms
                   AND (:window IS NULL OR o.timestamp_ms < a.assigned_ms + :window)
                   AND (:product = 'any' OR json_extract(o.properties, '$.product_id') = a.cart_class)
    """

  /// One arm's users as the warehouse shows them, each list in user id order.
  struct ArmData {
    let outcome: ArmOutcome
    let userIds: [String]
    /// Whether each user converted.
    let converted: [Bool]
    /// Each user's revenue from counted orders, in dollars.
    let revenues: [Double]
    /// Time from assignment to the first counted order, in milliseconds, per converter.
    let timesToConversion: [Double]
    /// The email events of the arm's users, from every workflow, at or after their
    /// assignment.
    var emailEvents = EmailEventCounts()
  }

  /// Counts of the email events for the users of one arm.
  struct EmailEventCounts: Sendable, Hashable {
    var sent = 0
    var unsubscribes = 0
    var spamComplaints = 0
  }

  /// The `Email Sent`, `Unsubscribed` and `Email Marked as Spam` events of every workflow
  /// per arm and event, counted for each assigned user from the assignment on.
  static let emailEventsByArm = """
    SELECT a.arm, m.event, COUNT(*)
    FROM assigned a
    JOIN messages m ON m.user_id = a.user_id
                   AND m.event IN ('Email Sent', 'Unsubscribed', 'Email Marked as Spam')
                   AND m.timestamp_ms >= a.assigned_ms
    GROUP BY a.arm, m.event
    ORDER BY a.arm, m.event
    """

  /// Measures every arm: customers, converters, revenue and time to conversion, and fills
  /// the `conversions` table. Returns the arms by name.
  static func measure(
    database: Database, experiment: String, measurement: MeasurementConfig
  ) throws -> [String: ArmData] {
    let parameters: [String: (any SQLiteBindable)?] = [
      ":experiment": experiment,
      ":event": measurement.conversionEvent,
      ":window": measurement.window?.milliseconds,
      ":product": measurement.conversionProduct.rawValue,
    ]

    struct UserRow {
      let userId: String
      let arm: String
      let revenue: Double
      let firstConversion: Int64?
      let assigned: Int64
    }
    let users = try database.prepare(
      """
      WITH assigned AS (\(assignedUsers)),
           counted AS (\(countedOrders)),
           per_user AS (SELECT user_id, SUM(revenue) AS revenue,
                               MIN(timestamp_ms) AS first_ms
                        FROM counted GROUP BY user_id)
      SELECT a.arm, a.assigned_ms, COALESCE(u.revenue, 0), u.first_ms, a.user_id
      FROM assigned a LEFT JOIN per_user u ON u.user_id = a.user_id
      ORDER BY a.user_id
      """
    ).mapRows(binding: parameters) { row in
      UserRow(
        userId: try row.string(at: 4), arm: try row.string(at: 0),
        revenue: try row.double(at: 2),
        firstConversion: try row.isNull(at: 3) ? nil : try row.int64(at: 3),
        assigned: try row.int64(at: 1))
    }

    try database.prepare(
      """
      INSERT INTO conversions (user_id, arm, assigned_at, order_id, product_id, revenue,
                               timestamp)
      WITH assigned AS (\(assignedUsers)),
           counted AS (\(countedOrders))
      SELECT user_id, arm, assigned_at, order_id, product_id, revenue, timestamp
      FROM counted ORDER BY user_id, timestamp_ms, message_id
      """
    ).run(binding: parameters)

    var emailEvents: [String: EmailEventCounts] = [:]
    try database.prepare(
      "WITH assigned AS (\(assignedUsers)) \(emailEventsByArm)"
    ).forEachRow(binding: [":experiment": experiment]) { row in
      let arm = try row.string(at: 0)
      let count = Int(try row.int64(at: 2))
      switch try row.string(at: 1) {
      case "Email Sent": emailEvents[arm, default: EmailEventCounts()].sent = count
      case "Unsubscribed": emailEvents[arm, default: EmailEventCounts()].unsubscribes = count
      default: emailEvents[arm, default: EmailEventCounts()].spamComplaints = count
      }
    }

    var byArm: [String: [UserRow]] = [:]
    for user in users {
      byArm[user.arm, default: []].append(user)
    }
    return byArm.mapValues { rows in
      let converters = rows.filter { $0.firstConversion != nil }
      let revenues = rows.map(\.revenue)
      return ArmData(
        outcome: ArmOutcome(
          name: rows[0].arm, customers: rows.count, conversions: converters.count,
          revenue: revenues.reduce(0, +)),
        userIds: rows.map(\.userId),
        converted: rows.map { $0.firstConversion != nil },
        revenues: revenues,
        timesToConversion: converters.compactMap { row in
          row.firstConversion.map { Double($0 - row.assigned) }
        },
        emailEvents: emailEvents[rows[0].arm] ?? EmailEventCounts())
    }
  }

  /// Each user's pre-period activity, the CUPED covariate: `Order Completed` events before
  /// `start` (the same metric as the outcome, in the period before the experiment) plus
  /// `Product Viewed` events, weighted 1 and 0.1, so that customers with no order are still
  /// told apart by their browsing. Events are counted as marketing would: by user id, with
  /// anonymous ids folded into the user an `identify` call linked them to. Users without
  /// such events are absent (activity 0).
  static func preperiodActivity(database: Database, before start: SimTime) throws
    -> [String: Double]
  {
    var userForAnonymous: [String: String] = [:]
    try database.prepare(
      """
      SELECT anonymous_id, user_id FROM messages
      WHERE type = 'identify' AND anonymous_id IS NOT NULL AND user_id IS NOT NULL
      ORDER BY timestamp_ms, message_id
      """
    ).forEachRow { row in
      userForAnonymous[try row.string(at: 0)] = try row.string(at: 1)
    }
    var views: [String: Double] = [:]
    try database.prepare(
      """
      SELECT user_id, anonymous_id, event FROM messages
      WHERE event IN ('Product Viewed', 'Order Completed') AND timestamp_ms < ?
      ORDER BY timestamp_ms, message_id
      """
    ).forEachRow(binding: [start.milliseconds]) { row in
      let user = try row.isNull(at: 0) ? nil : try row.string(at: 0)
      let anonymous = try row.isNull(at: 1) ? nil : try row.string(at: 1)
      let weight = try row.string(at: 2) == "Order Completed" ? 1.0 : 0.1
      if let identity = user ?? anonymous.flatMap({ userForAnonymous[$0] }) {
        views[identity, default: 0] += weight
      }
    }
    return views
  }
}
