import Config
import Foundation

/// The record a shard run leaves beside its results for `loopsim merge`: which shard of
/// which scenario it simulated, the pass totals behind its summary, and its share of the
/// attribution truth. Written as `shard.json`.
struct ShardRecord {
  static let fileName = "shard.json"
  static let formatVersion = 1
  /// The `run_metadata` key of the SHA-256 of `shard.json`, which ties the file to the
  /// shard's database.
  static let hashKey = "shardRecordSha256"

  let shard: Shard
  let scenarioSHA256: String
  let loopsimVersion: String
  let totals: PassTotals
  let attribution: AttributionTruth?

  init(
    shard: Shard, scenarioSHA256: String, totals: PassTotals, attribution: AttributionTruth?,
    loopsimVersion: String = LoopSimVersion.current
  ) {
    self.shard = shard
    self.scenarioSHA256 = scenarioSHA256
    self.loopsimVersion = loopsimVersion
    self.totals = totals
    self.attribution = attribution
  }

  var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("formatVersion", ShardRecord.formatVersion)
    writer.member("shard", shard.index)
    writer.member("shards", shard.count)
    writer.member("scenarioSha256", scenarioSHA256)
    writer.member("loopsimVersion", loopsimVersion)
    writer.key("totals")
    totals.write(to: &writer)
    if let attribution {
      writer.key("attribution")
      writer.beginObject()
      writer.key("channels")
      writer.beginArray()
      for channel in attribution.channels { writer.string(channel) }
      writer.endArray()
      writer.key("values")
      writer.beginArray()
      for value in attribution.values { writer.integer(value) }
      writer.endArray()
      // One [customer, conversions, never incremental, [channel indices]] per converter.
      writer.key("customers")
      writer.beginArray()
      for customer in attribution.customers {
        writer.beginArray()
        writer.integer(customer.customer)
        writer.integer(customer.conversions)
        writer.integer(customer.neverIncremental)
        writer.beginArray()
        for channel in customer.incrementalChannels { writer.integer(channel) }
        writer.endArray()
        writer.endArray()
      }
      writer.endArray()
      writer.endObject()
    }
    writer.endObject()
    return writer.text + "\n"
  }

  /// Reads the `shard.json` at `path`. A missing field or a value of the wrong kind is an
  /// error that names the file and the field.
  init(contentsOf path: String) throws {
    try self.init(data: ShardRecord.read(path), path: path)
  }

  /// Returns the bytes of the `shard.json` at `path`, which must be a regular file.
  static func read(_ path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    else {
      throw InputError(
        "\(path) is not a file. Fix: give the folders that `loopsim run --shard i/N` wrote; "
          + "each contains the file \(fileName).")
    }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw InputError(
        "cannot read \(path): \(error.localizedDescription). Fix: give folders that "
          + "`loopsim run --shard i/N` wrote; each contains \(fileName).")
    }
  }

  /// Reads a record from the bytes of a `shard.json` file at `path`.
  init(data: Data, path: String) throws {
    func invalid(_ field: String, _ problem: String) -> InputError {
      InputError(
        "\(path): \(field) \(problem). Fix: merge the folders that `loopsim run --shard i/N` "
          + "wrote, unchanged.")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw invalid("the file", "is not a JSON object")
    }
    guard let version = object["formatVersion"] as? Int else {
      throw invalid("formatVersion", "is missing or not an integer")
    }
    guard version == ShardRecord.formatVersion else {
      throw invalid(
        "formatVersion", "is \(version), but this loopsim reads \(ShardRecord.formatVersion)")
    }
    guard let index = object["shard"] as? Int, let count = object["shards"] as? Int else {
      throw invalid("shard or shards", "is missing or not an integer")
    }
    guard (1...Shard.maximumCount).contains(count), (1...count).contains(index),
      let shard = try? Shard(index: index, count: count)
    else {
      throw invalid(
        "shard", "is \(index)/\(count), but shards are numbered 1 to N, with N from 1 to "
          + "\(Shard.maximumCount)")
    }
    self.shard = shard
    guard let sha = object["scenarioSha256"] as? String, sha.count == 64 else {
      throw invalid("scenarioSha256", "is missing or not a SHA-256 in hexadecimal")
    }
    scenarioSHA256 = sha
    guard let version = object["loopsimVersion"] as? String else {
      throw invalid("loopsimVersion", "is missing or not a string")
    }
    loopsimVersion = version
    do {
      totals = try PassTotals(json: object["totals"] ?? NSNull())
    } catch {
      throw invalid(error.field, error.problem)
    }
    if let attributionObject = object["attribution"] {
      attribution = try Self.readAttribution(attributionObject, shard: shard, invalid: invalid)
    } else {
      attribution = nil
    }
  }

  private static func readAttribution(
    _ object: Any, shard: Shard, invalid: (String, String) -> InputError
  ) throws -> AttributionTruth {
    let largest = PassTotals.largestCounter
    guard let object = object as? [String: Any],
      let channels = object["channels"] as? [String], !channels.isEmpty, channels.count <= 20,
      let values = object["values"] as? [Int], values.count == 1 << channels.count,
      let rows = object["customers"] as? [[Any]]
    else {
      throw invalid(
        "attribution", "is not channels (1 to 20) with 2^channels values and customers")
    }
    if let position = values.firstIndex(where: { !(0...largest).contains($0) }) {
      throw invalid(
        "attribution.values[\(position)]",
        "is \(values[position]), not a count from 0 to \(largest)")
    }
    var customers: [AttributionTruth.CustomerTruth] = []
    for (position, row) in rows.enumerated() {
      guard row.count == 4, let customer = row[0] as? Int, customer >= 0,
        shard.contains(customer: UInt64(customer)),
        customer > Int(customers.last?.customer ?? 0) || customers.isEmpty,
        let conversions = row[1] as? Int, (1...largest).contains(conversions),
        let never = row[2] as? Int, (0...conversions).contains(never),
        let incremental = row[3] as? [Int],
        incremental.allSatisfy({ channels.indices.contains($0) })
      else {
        throw invalid(
          "attribution.customers[\(position)]",
          "is not [customer of this shard in increasing order, conversions from 1, never "
            + "incremental from 0 to conversions, [channel indices]]")
      }
      customers.append(
        AttributionTruth.CustomerTruth(
          customer: UInt64(customer), conversions: conversions,
          incrementalChannels: incremental, neverIncremental: never))
    }
    return AttributionTruth(channels: channels, values: values, customers: customers)
  }
}
