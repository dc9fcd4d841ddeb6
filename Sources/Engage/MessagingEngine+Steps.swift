import Pipeline
import Simulation

extension MessagingEngine {
  // MARK: Running steps

  /// Runs the enrollment's steps from `nextStep` until one waits or the profile leaves.
  mutating func runSteps<Context: EngageContext>(_ index: Int, context: inout Context) {
    var budget = Self.maximumStepsPerWake
    while enrollments[index].finishedAt == nil {
      guard budget > 0 else {
        leave(index, reason: Enrollment.stepLimitReason, at: context.now)
        return
      }
      budget -= 1
      let workflow = workflows[enrollments[index].workflow]
      let position = enrollments[index].nextStep
      guard workflow.steps.indices.contains(position) else {
        leave(index, reason: nil, at: context.now)
        return
      }
      guard runStep(workflow.steps[position], at: position, of: index, context: &context)
      else { return }
    }
  }

  /// Runs one step and returns whether the next one runs at once; false when the
  /// enrollment waits or left.
  private mutating func runStep<Context: EngageContext>(
    _ step: WorkflowStep, at position: Int, of index: Int, context: inout Context
  ) -> Bool {
    enrollments[index].nextStep = position + 1
    switch step {
    case .wait(let delay):
      scheduleWake(index, after: delay, context: &context)
      return false
    case .waitUntil(let time):
      let next = zone(of: currentProfile(of: enrollments[index])).nextTime(
        atLocalMilliseconds: time.milliseconds, after: context.now, clock: clock)
      scheduleWake(index, after: next - context.now, context: &context)
      return false
    case .waitFor(let wait):
      enrollments[index].nextStep = position
      enrollments[index].isWaitingForEvent = true
      scheduleWake(index, after: wait.timeout, context: &context)
      return false
    case .exitIf(let condition):
      if isMet(condition, by: enrollments[index]) {
        leave(index, reason: condition.exitReason, at: context.now)
      }
    case .filter(let condition):
      if !condition.holds(for: input(of: index, now: context.now)) {
        leave(index, reason: Enrollment.filterReason, at: context.now)
      }
    case .branch(let branch):
      let input = input(of: index, now: context.now)
      let chosen = branch.cases.first { $0.condition.holds(for: input) }
      go(index, to: chosen?.target ?? branch.otherwise, from: position, at: context.now)
    case .randomSplit(let paths):
      go(index, to: drawPath(paths, at: position, of: index), from: position, at: context.now)
    case .split:
      split(index, context: &context)
    case .sendEmail(let step):
      if case .delayed(let delay) = attemptSend(step, at: position, of: index, context: &context)
      {
        enrollments[index].nextStep = position
        scheduleWake(index, after: delay, context: &context)
        return false
      }
    case .updateProfile(let update):
      let profile = profiles.current(enrollments[index].profile)
      profiles[profile].customAttributes[update.attribute] = update.value.attributeValue
      profileChanged(profile, context: &context)
    case .exit:
      leave(index, reason: Enrollment.exitStepReason, at: context.now)
    }
    return enrollments[index].finishedAt == nil
  }

  /// Moves the enrollment to `target`, or out of the workflow for `exit`.
  private mutating func go(_ index: Int, to target: StepTarget, from position: Int, at time: SimTime) {
    let workflow = workflows[enrollments[index].workflow]
    guard let next = workflow.resolve(target, from: position) else {
      leave(index, reason: Enrollment.exitStepReason, at: time)
      return
    }
    enrollments[index].nextStep = next
  }

  private mutating func scheduleWake<Context: EngageContext>(
    _ index: Int, after delay: SimDuration, context: inout Context
  ) {
    enrollments[index].wakeNumber &+= 1
    context.schedule(
      .wake(enrollment: index, number: enrollments[index].wakeNumber), after: delay)
  }

  /// Runs the enrollment on after a wait, or after a `waitFor` timed out; ignores a stale
  /// wake.
  mutating func wake<Context: EngageContext>(
    _ index: Int, number: UInt32, context: inout Context
  ) {
    guard enrollments[index].wakeNumber == number, enrollments[index].finishedAt == nil else {
      return
    }
    if enrollments[index].isWaitingForEvent {
      enrollments[index].isWaitingForEvent = false
      let position = enrollments[index].nextStep
      guard case .waitFor(let wait) = workflows[enrollments[index].workflow].steps[position]
      else { return }
      if wait.onTimeout == .exit {
        leave(index, reason: wait.timeoutExitReason, at: context.now)
        return
      }
      go(index, to: wait.onTimeout, from: position, at: context.now)
    }
    runSteps(index, context: &context)
  }

  /// Ends the profile's enrollments whose goal `message` meets, and resumes those that
  /// wait for it.
  mutating func resumeEnrollments<Context: EngageContext>(
    of profile: Int, on message: Message, event: String, context: inout Context
  ) {
    for index in profileStates[profile].active {
      guard enrollments[index].finishedAt == nil else { continue }
      let workflow = workflows[enrollments[index].workflow]
      let input = ConditionInput(
        profile: profiles[profile], properties: message.properties, now: context.now,
        triggerProperties: enrollments[index].triggerProperties)
      if let goal = workflow.goal, goal.event == event,
        goal.condition?.holds(for: input) ?? true
      {
        leave(index, reason: goal.exitReason, at: context.now)
        continue
      }
      let position = enrollments[index].nextStep
      guard enrollments[index].isWaitingForEvent,
        case .waitFor(let wait) = workflow.steps[position], wait.event == event,
        wait.condition?.holds(for: input) ?? true
      else { continue }
      enrollments[index].isWaitingForEvent = false
      enrollments[index].wakeNumber &+= 1
      if wait.then == .exit {
        leave(index, reason: wait.eventExitReason, at: context.now)
        continue
      }
      go(index, to: wait.then, from: position, at: context.now)
      runSteps(index, context: &context)
    }
  }

  /// Ends the enrollment with `reason` (nil after the last step) and frees the workflow
  /// for the profile's next entry.
  mutating func leave(_ index: Int, reason: String?, at time: SimTime) {
    enrollments[index].exitReason = reason
    enrollments[index].finishedAt = time
    enrollments[index].isWaitingForEvent = false
    let profile = profiles.current(enrollments[index].profile)
    let workflow = enrollments[index].workflow
    if profileStates[profile].workflows[workflow].active == index {
      profileStates[profile].workflows[workflow].active = nil
    }
    profileStates[profile].active.removeAll { $0 == index }
  }

  /// Returns the input of the enrollment's conditions: its profile, its trigger event's properties,
  /// and the time.
  private func input(of index: Int, now: SimTime) -> ConditionInput {
    ConditionInput(
      profile: currentProfile(of: enrollments[index]),
      properties: enrollments[index].triggerProperties, now: now,
      triggerProperties: enrollments[index].triggerProperties)
  }

  private func isMet(_ condition: ExitCondition, by enrollment: Enrollment) -> Bool {
    let profile = currentProfile(of: enrollment)
    switch condition {
    case .purchasedTriggerClass:
      return enrollment.classId.map(profile.hasPurchased) ?? false
    case .purchasedAnything:
      return profile.lastPurchasedAt.map { $0 >= enrollment.triggeredAt } ?? false
    case .noEmailConsent:
      return !profile.emailOptIn
    }
  }

  /// Draws a path by weight from the customer's stream for this step, which gives the
  /// same path at every entry.
  private func drawPath(_ paths: [RandomPath], at position: Int, of index: Int) -> StepTarget {
    let enrollment = enrollments[index]
    guard let purpose = randomSplitPurposes[enrollment.workflow][position] else {
      return paths[0].target
    }
    var stream = purpose.stream(customer: enrollment.customer)
    let total = paths.reduce(0) { $0 + $1.weight }
    var cumulative = 0.0
    let u = stream.uniform() * total
    for path in paths {
      cumulative += path.weight
      if u < cumulative { return path.target }
    }
    return paths.last { $0.weight > 0 }?.target ?? paths[0].target
  }

  // MARK: Split

  /// Assigns the enrollment's arm: the customer's arm from their first split in any
  /// workflow, or, at that first split, the arm the policy gives, with an
  /// `Experiment Viewed` event.
  private mutating func split<Context: EngageContext>(_ index: Int, context: inout Context) {
    // `EngageConfig.validate()` rejects a split without an experiment.
    guard let experiment = configuration.experiment else { return }
    let enrollment = enrollments[index]
    if let first = assignmentByCustomer[enrollment.customer] {
      enrollments[index].arm = assignments[first].arm
      enrollments[index].assignedAt = context.now
      return
    }

    let arm: String
    switch armPolicy {
    case .assigned where enrollment.inGlobalControl:
      arm = ExperimentConfig.globalControlArm
    case .assigned:
      var stream = splitPurpose.stream(customer: enrollment.customer)
      arm = experiment.armName(forDraw: stream.uniform())
    case .forced(let name):
      arm = name
    }

    enrollments[index].arm = arm
    enrollments[index].assignedAt = context.now
    assignmentByCustomer[enrollment.customer] = assignments.count
    assignments.append(
      CustomerAssignment(
        customer: enrollment.customer, userId: enrollment.userId, arm: arm,
        assignedAt: context.now, workflow: enrollment.workflowName, classId: enrollment.classId))
    let profile = profiles.current(enrollment.profile)
    profiles[profile].experimentArm = arm
    let name = experiment.name ?? enrollment.workflowName
    context.send(
      Message(
        type: .track, messageId: context.nextMessageID(for: enrollment.customer),
        userId: enrollment.userId, timestamp: context.now, event: "Experiment Viewed",
        properties: Properties([
          ("experiment_id", .string(name)),
          ("experiment_name", .string(name)),
          ("variation_name", .string(arm)),
        ]), source: .messaging, customer: enrollment.customer))
    profileChanged(profile, context: &context)
  }
}
