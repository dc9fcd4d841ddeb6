import Config

/// A misplaced step or a bad target, found by `orderProblems`.
struct StepOrderProblem: Sendable, Hashable {
  /// The index of the step in `steps`.
  let step: Int
  /// The field of the step object that has the problem, such as `branch[0].goTo`; empty for the
  /// value of the step's kind.
  var field: FieldPath = FieldPath()
  let problem: String
  let found: String?
  let fix: String
  /// True for a problem that leaves the workflow runnable.
  let isWarning: Bool
}

/// A place a step can go next, with where the step states it.
struct StepEdge: Sendable, Hashable {
  let target: StepTarget
  /// The field that states the target, relative to the step object; empty for the
  /// implicit next step.
  let field: FieldPath
}

extension WorkflowStep {
  /// Every place this step can go next, in the order written: the next step for a step
  /// that goes on, the targets of a branch, a random split or a `waitFor`, and none for
  /// `exit`. `exitIf`, `filter` and `sendEmail` can also leave the workflow.
  var edges: [StepEdge] {
    switch self {
    case .wait, .waitUntil, .exitIf, .filter, .split, .sendEmail, .updateProfile:
      return [StepEdge(target: .next, field: FieldPath())]
    case .waitFor(let wait):
      return [
        StepEdge(target: wait.then, field: ["waitFor", "then"]),
        StepEdge(target: wait.onTimeout, field: ["waitFor", "onTimeout"]),
      ]
    case .branch(let branch):
      var edges = branch.cases.enumerated().map { index, branchCase in
        StepEdge(
          target: branchCase.target,
          field: FieldPath().appending(key: "branch").appending(index: index).appending(
            key: "goTo"))
      }
      edges.append(StepEdge(target: branch.otherwise, field: ["else"]))
      return edges
    case .randomSplit(let paths):
      return paths.enumerated().map { index, path in
        StepEdge(
          target: path.target,
          field: FieldPath().appending(key: "randomSplit").appending(index: index).appending(
            key: "goTo"))
      }
    case .exit:
      return []
    }
  }

  /// Whether the step always lets simulated time pass before the next one runs: a wait
  /// longer than 0, `waitUntil` and `waitFor`.
  var waits: Bool {
    switch self {
    case .wait(let duration): duration.milliseconds > 0
    case .waitUntil, .waitFor: true
    default: false
    }
  }
}

extension WorkflowConfig {
  /// Returns the index that `target` leads to from step `index`: the next index (which is
  /// `steps.count` after the last step, where the workflow ends), a named step's index,
  /// or nil for `exit` and unknown names.
  func resolve(_ target: StepTarget, from index: Int) -> Int? {
    switch target {
    case .next: index + 1
    case .exit: nil
    case .step(let name): stepIndex(named: name)
    }
  }

  /// Finds what makes the steps invalid or doubtful: repeated step names, targets that
  /// name no step, a loop that runs without a wait, a second split, a split with no
  /// experiment, a `sendEmail` before the split (errors), and steps that never run and a
  /// workflow that sends nothing (warnings).
  func orderProblems(hasExperiment: Bool) -> [StepOrderProblem] {
    var problems = nameProblems() + targetProblems()
    problems += splitProblems(hasExperiment: hasExperiment)
    if !problems.contains(where: { !$0.isWarning }) {
      problems += loopProblems() + reachabilityProblems()
    }
    if !steps.contains(where: { $0.kind == .sendEmail }) {
      problems.append(
        StepOrderProblem(
          step: max(steps.count - 1, 0), problem: "the workflow has no sendEmail step, so it "
            + "sends nothing", found: nil, fix: "add a sendEmail step", isWarning: true))
    }
    return problems
  }

  private func nameProblems() -> [StepOrderProblem] {
    var problems: [StepOrderProblem] = []
    var first: [String: Int] = [:]
    for (index, name) in stepNames.enumerated() {
      guard let name else { continue }
      if let earlier = first[name] {
        problems.append(
          StepOrderProblem(
            step: index, field: ["name"], problem: "step name \"\(name)\" repeats",
            found: "\"\(name)\", first used at steps[\(earlier)]",
            fix: "give every step its own name", isWarning: false))
      } else {
        first[name] = index
      }
    }
    return problems
  }

  private func targetProblems() -> [StepOrderProblem] {
    let known = stepNames.compactMap { $0 }
    var problems: [StepOrderProblem] = []
    for (index, step) in steps.enumerated() {
      for edge in step.edges {
        guard case .step(let name) = edge.target, stepIndex(named: name) == nil else {
          continue
        }
        let fix =
          Suggestion.closest(to: name, among: known).map { "did you mean \"\($0)\"?" }
          ?? (known.isEmpty
            ? "give the target step a name, as in { name: \"\(name)\", wait: \"1h\" }"
            : "use \"continue\", \"exit\" or a step name: " + known.joined(separator: ", "))
        problems.append(
          StepOrderProblem(
            step: index, field: edge.field, problem: "no step is named \"\(name)\"",
            found: "\"\(name)\"", fix: fix, isWarning: false))
      }
    }
    return problems
  }

  private func splitProblems(hasExperiment: Bool) -> [StepOrderProblem] {
    var problems: [StepOrderProblem] = []
    let split = splitIndex
    for (index, step) in steps.enumerated() {
      switch step {
      case .split where index != split:
        problems.append(
          StepOrderProblem(
            step: index, problem: "a workflow has at most one split step",
            found: "a second split after steps[\(split ?? 0)]",
            fix: "remove one of the split steps", isWarning: false))
      case .split where !hasExperiment:
        problems.append(
          StepOrderProblem(
            step: index, problem: "the split has no experiment section to assign arms from",
            found: nil,
            fix: "add an experiment section with arms and holdout, or remove the split",
            isWarning: false))
      case .sendEmail:
        if let split, index < split {
          problems.append(
            StepOrderProblem(
              step: index, problem: "sendEmail comes before the split at steps[\(split)]",
              found: nil,
              fix: "move the sendEmail step after the split, which decides what each arm is sent",
              isWarning: false))
        }
      default:
        break
      }
    }
    return problems
  }

  /// Finds a cycle of steps that can run without simulated time passing, which would run
  /// forever at one instant: a depth-first search over the edges of steps that do not
  /// wait. Reports each edge that closes such a cycle. O(steps + edges).
  private func loopProblems() -> [StepOrderProblem] {
    enum Mark { case unvisited, onPath, done }
    var marks = Array(repeating: Mark.unvisited, count: steps.count)
    var problems: [StepOrderProblem] = []

    func visit(_ index: Int) {
      marks[index] = .onPath
      if !steps[index].waits {
        for edge in steps[index].edges {
          guard let next = resolve(edge.target, from: index), next < steps.count else {
            continue
          }
          switch marks[next] {
          case .onPath:
            problems.append(
              StepOrderProblem(
                step: index, field: edge.field,
                problem: "steps[\(next)] to steps[\(index)] form a loop without a wait, "
                  + "which would run forever",
                found: "\"\(edge.target)\"",
                fix: "add a wait, waitUntil or waitFor step to the loop, or go to a later step",
                isWarning: false))
          case .unvisited:
            visit(next)
          case .done:
            break
          }
        }
      }
      marks[index] = .done
    }
    for index in steps.indices where marks[index] == .unvisited {
      visit(index)
    }
    return problems
  }

  /// Finds steps that no path from the first step reaches.
  private func reachabilityProblems() -> [StepOrderProblem] {
    guard !steps.isEmpty else { return [] }
    var reached = Array(repeating: false, count: steps.count)
    var pending = [0]
    reached[0] = true
    while let index = pending.popLast() {
      for edge in steps[index].edges {
        guard let next = resolve(edge.target, from: index), next < steps.count, !reached[next]
        else { continue }
        reached[next] = true
        pending.append(next)
      }
    }
    return steps.indices.filter { !reached[$0] }.map { index in
      let afterExit = index > 0 && steps[index - 1] == .exit
      return StepOrderProblem(
        step: index,
        problem: afterExit
          ? "this step never runs, because steps[\(index - 1)] exits"
          : "this step never runs, because no step leads to it",
        found: nil,
        fix: afterExit
          ? "remove the steps after the exit step, or move the exit step"
          : "name the step and go to it from a branch, or remove it",
        isWarning: true)
    }
  }
}
