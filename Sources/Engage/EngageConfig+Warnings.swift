import Config

extension EngageConfig {
  /// Returns one warning per experiment arm whose template always writes a field that the
  /// arm's strategy never fills, under the `skip` policy: every send of that arm would be
  /// skipped. A `generic-reminder` arm never has `abandoned`, and only `same-category` and
  /// `category-recommendations` arms fill `recommendedCategory`.
  ///
  /// Each warning gives the arm's index in `experiment.arms`, the problem and the fix.
  func armsWhoseSendsAreAllSkipped() -> [(arm: Int, problem: String, fix: String)] {
    guard let experiment, hasSplit else { return [] }
    let stepTemplates = workflows.filter { $0.splitIndex != nil }.flatMap { workflow in
      workflow.steps.compactMap { step -> String? in
        guard case .sendEmail(let send) = step else { return nil }
        return send.template
      }
    }
    var warnings: [(arm: Int, problem: String, fix: String)] = []
    for (index, arm) in experiment.arms.enumerated() where arm.strategy.sendsEmail {
      let names = arm.template.map { [$0] } ?? stepTemplates
      for name in names {
        guard let template = templates.first(where: { $0.name == name }),
          template.missing == .skip
        else { continue }
        let outputs = template.subject.unconditionalOutputs + template.html.unconditionalOutputs
        guard let field = outputs.first(where: { !arm.strategy.canFill($0) }) else { continue }
        warnings.append(
          (
            index,
            "every email of arm \"\(arm.name)\" would be skipped, because template "
              + "\"\(name)\" writes \(field), which the \(arm.strategy.rawValue) strategy "
              + "never fills",
            "guard the field with {{#if}}, give it a default, or set the template's missing "
              + "to \"fallback\""
          ))
        break
      }
    }
    return warnings
  }

  /// Reports `armsWhoseSendsAreAllSkipped()` as warnings at each arm of `experiment.arms`.
  static func reportArmsWhoseSendsAreAllSkipped(_ config: EngageConfig, in root: ObjectReader) {
    let armsPath = root.path.appending(key: "experiment").appending(key: "arms")
    var armNodes: [ConfigNode] = []
    if let experiment = root.object["experiment"], case .object(let members) = experiment.value,
      let arms = members["arms"], case .array(let nodes) = arms.value
    {
      armNodes = nodes
    }
    for warning in config.armsWhoseSendsAreAllSkipped() {
      let node = armNodes.indices.contains(warning.arm) ? armNodes[warning.arm] : root.node
      root.diagnostics.warning(
        warning.problem, at: node, path: armsPath.appending(index: warning.arm),
        fix: warning.fix)
    }
  }
}

extension PersonalizationStrategy {
  /// Whether the strategy fills the top-level field of `path` for some emails.
  fileprivate func canFill(_ path: String) -> Bool {
    let field = path.split(separator: ".").first.map(String.init) ?? path
    switch field {
    case "abandoned": return includesAbandonedClass
    case "recommendedCategory": return self == .sameCategory || self == .categoryRecommendations
    default: return true
    }
  }
}
