import Config
import Foundation

extension SweepPlan {
  /// The plan as `plan.json`: the sweep's settings and one object per run, keys in a fixed
  /// order, with a final line break. `loopsim sweep --plan` prints the same text.
  public var json: String {
    var writer = JSONWriter(pretty: true)
    writer.beginObject()
    writer.member("schemaVersion", Self.schemaVersion)
    writer.member("kind", "sweep")
    writer.member("scenario", scenario)
    writer.member("scenarioFile", scenarioFile)
    writer.member("loopsimVersion", loopsimVersion)
    writer.member("seed", seed)
    writer.member("replicates", replicates)
    writer.member("points", points)
    writer.key("grid")
    writer.beginArray()
    for axis in axes {
      writer.beginObject()
      writer.member("path", axis.path)
      writer.key("values")
      writer.beginArray()
      for value in axis.values {
        writer.raw((try? SweepValue.compactJSON(value)) ?? "null")
      }
      writer.endArray()
      writer.endObject()
    }
    writer.endArray()
    writer.key("runs")
    writer.beginArray()
    for run in runs {
      writer.beginObject()
      writer.member("id", run.id)
      writer.member("point", run.point)
      writer.member("replicate", run.replicate)
      writer.member("seed", run.seed)
      writer.key("values")
      writer.beginObject()
      for (axis, value) in zip(axes, run.values) {
        writer.key(axis.path)
        writer.raw((try? SweepValue.compactJSON(value)) ?? "null")
      }
      writer.endObject()
      writer.member("scenarioSha256", run.scenarioSHA256)
      writer.member("resolvedScenario", run.resolvedScenario)
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    return writer.text + "\n"
  }

  /// Reads a `plan.json` that `loopsim sweep` wrote or printed with `--plan`. The resolved
  /// scenarios are not kept, because combining results needs only the runs' identities.
  ///
  /// - Parameter file: The name that error messages show.
  /// - Throws: `InputError` naming the file, the field path and the problem when the text
  ///   is not such a plan. That is text that is not JSON, a missing or mistyped key, a run
  ///   id that repeats or is not of the form `pPP-rRR`, or a run without a value for a
  ///   grid path.
  public static func read(json text: String, file: String) throws -> SweepPlan {
    let root: ConfigNode
    do {
      root = try JSON5.parse(text, file: file)
    } catch {
      throw PlanReader(file: file).error("", "not valid JSON: \(error)")
    }
    return try PlanReader(file: file).plan(root)
  }
}

/// Walks a plan tree with the field path of any problem.
private struct PlanReader {
  let file: String

  func plan(_ root: ConfigNode) throws -> SweepPlan {
    let top = try object(root, "")
    let version = try integer(top, "schemaVersion", "")
    guard version == SweepPlan.schemaVersion else {
      throw error(
        "schemaVersion",
        "unsupported version \(version); this loopsim reads version \(SweepPlan.schemaVersion)")
    }
    guard try string(top, "kind", "") == "sweep" else {
      throw error("kind", "expected \"sweep\"")
    }
    let scenario = try string(top, "scenario", "")
    let replicates = try integer(top, "replicates", "")
    guard replicates >= 1 else { throw error("replicates", "expected at least 1") }

    var axes: [SweepPlan.Axis] = []
    for (index, node) in try array(top, "grid", "").enumerated() {
      let path = "grid[\(index)]"
      let axis = try object(node, path)
      axes.append(
        SweepPlan.Axis(
          path: try string(axis, "path", path), values: try array(axis, "values", path)))
    }

    var runs: [SweepPlan.Run] = []
    var ids: Set<String> = []
    let runNodes = try array(top, "runs", "")
    guard !runNodes.isEmpty else {
      throw error("runs", "the plan lists no run")
    }
    for (index, node) in runNodes.enumerated() {
      let path = "runs[\(index)]"
      let run = try object(node, path)
      let id = try string(run, "id", path)
      guard SweepPlan.isRunID(id) else {
        throw error("\(path).id", "\"\(id)\" is not a run id of the form pPP-rRR")
      }
      guard ids.insert(id).inserted else {
        throw error("\(path).id", "the run id \(id) appears twice")
      }
      let values = try object(try member(run, "values", path), "\(path).values")
      let ordered = try axes.map { axis in
        guard let value = values[axis.path] else {
          throw error("\(path).values", "no value for the grid path \(axis.path)")
        }
        return value
      }
      runs.append(
        SweepPlan.Run(
          id: id, point: try integer(run, "point", path),
          replicate: try integer(run, "replicate", path), seed: try seed(run, path),
          values: ordered, scenarioSHA256: try string(run, "scenarioSha256", path),
          resolvedScenario: nil))
    }
    return SweepPlan(
      scenario: scenario, scenarioFile: try string(top, "scenarioFile", ""),
      loopsimVersion: try string(top, "loopsimVersion", ""), seed: try seed(top, ""),
      replicates: replicates, axes: axes, runs: runs)
  }

  func error(_ path: String, _ problem: String) -> InputError {
    InputError(
      "\(file): \(path.isEmpty ? "" : path + ": ")\(problem). Fix: give the plan.json that "
        + "loopsim sweep wrote into its folder or printed with --plan.")
  }

  private func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  private func member(_ object: ConfigObject, _ key: String, _ path: String) throws
    -> ConfigNode
  {
    guard let node = object[key] else { throw error(join(path, key), "missing key") }
    return node
  }

  private func object(_ node: ConfigNode, _ path: String) throws -> ConfigObject {
    guard case .object(let object) = node.value else {
      throw error(path, "expected an object, found \(node.kindAndValueDescription)")
    }
    return object
  }

  private func array(_ object: ConfigObject, _ key: String, _ path: String) throws
    -> [ConfigNode]
  {
    let node = try member(object, key, path)
    guard case .array(let elements) = node.value else {
      throw error(join(path, key), "expected an array, found \(node.kindAndValueDescription)")
    }
    return elements
  }

  private func string(_ object: ConfigObject, _ key: String, _ path: String) throws -> String {
    let node = try member(object, key, path)
    guard case .string(let text) = node.value else {
      throw error(join(path, key), "expected a string, found \(node.kindAndValueDescription)")
    }
    return text
  }

  private func integer(_ object: ConfigObject, _ key: String, _ path: String) throws -> Int {
    let node = try member(object, key, path)
    guard case .number(let number) = node.value, let value = number.int64,
      let integer = Int(exactly: value)
    else {
      throw error(
        join(path, key), "expected an integer, found \(node.kindAndValueDescription)")
    }
    return integer
  }

  private func seed(_ object: ConfigObject, _ path: String) throws -> UInt64 {
    let node = try member(object, "seed", path)
    guard case .number(let number) = node.value, let seed = number.uint64 else {
      throw error(
        join(path, "seed"),
        "expected an unsigned 64-bit integer, found \(node.kindAndValueDescription)")
    }
    return seed
  }
}
