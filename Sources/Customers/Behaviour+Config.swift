import Config
import Simulation

extension BehaviourModel {
  /// Reads the `behaviour` section. Keys of `segments` must be among `segmentNames`.
  public static func reader(segmentNames: [String]) -> ConfigReader<BehaviourModel> {
    .object("a behaviour section") { behaviour in
      let errorsBefore = behaviour.diagnostics.errorCount
      behaviour.declareKnown("channels")
      let trailer = behaviour.required("trailer", trailerReader)
      let classPage = behaviour.required("classPage", stepReader)
      let browse = behaviour.optional("browse", browseReader)
      let addToCart = behaviour.required("addToCart", stepReader)
      let checkout = behaviour.required("checkout", stepReader)
      let organicReturn = behaviour.required("organicReturn", stepReader)
      let emailReturn = behaviour.required("emailReturn", emailReturnReader)
      let segments = behaviour.optional("segments", overridesReader(segmentNames: segmentNames))
      let touchEffects = behaviour.optional("touchEffects", touchEffectsReader)
      let engagement = behaviour.optional("engagement", engagementReader)
      let visits = behaviour.optional("visits", visitsReader)
      let refund = behaviour.optional("refund", stepReader, default: .never)
      let passwordReset = behaviour.optional("passwordReset", stepReader, default: .never)
      if behaviour.contains("channels") {
        behaviour.error(
          "channels moved to the top level", key: "channels",
          fix: "move the list to a top-level channels section, and give each channel a kind, "
            + "a reach and a clickThrough")
      }
      guard let trailer, let classPage, let addToCart, let checkout, let organicReturn,
        let emailReturn, behaviour.diagnostics.errorCount == errorsBefore
      else { return nil }
      return BehaviourModel(
        trailer: trailer, classPage: classPage, browse: browse ?? .none,
        addToCart: addToCart, checkout: checkout, organicReturn: organicReturn,
        emailReturn: emailReturn, segments: segments ?? [:],
        touchEffects: touchEffects ?? .none, engagement: engagement ?? .none,
        visits: visits ?? .none, refund: refund, passwordReset: passwordReset)
    }
  }

  /// Reads `{ probability: 0.3, delay: … }`.
  public static var stepReader: ConfigReader<StepModel> {
    .object("a step such as { probability: 0.3, delay: { exponential: { mean: \"2h\" } } }") {
      step in
      let probability = step.required("probability", .probability)
      let delay = step.required("delay", .distribution)
      guard let probability, let delay else { return nil }
      return StepModel(probability: probability, delay: delay)
    }
  }

  /// Reads `{ delay: … }`. A `probability` is an error, because the channel's click-through
  /// probability decides whether the trailer plays.
  static var trailerReader: ConfigReader<TrailerModel> {
    .object("a trailer step such as { delay: { exponential: { mean: \"2h\" } } }") { trailer in
      let delay = trailer.required("delay", .distribution)
      guard rejectTrailerProbability(trailer), let delay else { return nil }
      return TrailerModel(delay: delay)
    }
  }

  /// Reports a `probability` in a trailer object. Returns whether there was none.
  private static func rejectTrailerProbability(_ trailer: ObjectReader) -> Bool {
    trailer.declareKnown("probability")
    guard let node = trailer.object["probability"], node.value != .null else { return true }
    trailer.error(
      "the trailer has no probability of its own", key: "probability",
      found: node.shortDescription,
      fix: "remove it and set channels[].clickThrough, the probability that a channel's "
        + "first touch leads on (for an ad, that its click plays the trailer)")
    return false
  }

  static var browseReader: ConfigReader<BrowseModel> {
    .object("a browse model such as { meanClasses: 1.5, delay: \"5m\" }") { browse in
      let mean = browse.required("meanClasses", .double(in: 0...50))
      let delay = browse.required("delay", .distribution)
      guard let mean, let delay else { return nil }
      return BrowseModel(meanClasses: mean, delay: delay)
    }
  }

  static var emailReturnReader: ConfigReader<EmailReturnModel> {
    .object("an email return model") { model in
      let irrelevant = model.required("irrelevantProbability", .probability)
      let relevant = model.required("relevantProbability", .probability)
      let delay = model.required("delay", .distribution)
      let appeal = model.optional("classAppeal", .probability, default: 0.5)
      guard let irrelevant, let relevant, let delay else { return nil }
      return EmailReturnModel(
        irrelevantProbability: irrelevant, relevantProbability: relevant, delay: delay,
        classAppeal: appeal)
    }
  }

  static var touchEffectsReader: ConfigReader<TouchEffects> {
    .object("touch effects such as { trailer: 1.2, emailOpen: 1.5, relevanceWeight: 0.5 }") {
      effects in
      let errorsBefore = effects.diagnostics.errorCount
      let trailer = effects.optional("trailer", .double(in: 0...100), default: 1)
      let emailOpen = effects.optional("emailOpen", .double(in: 0...100), default: 1)
      let relevanceWeight = effects.optional("relevanceWeight", .probability, default: 0)
      guard effects.diagnostics.errorCount == errorsBefore else { return nil }
      return TouchEffects(
        trailer: trailer, emailOpen: emailOpen, relevanceWeight: relevanceWeight)
    }
  }

  /// Reads `{ sigma: 0.8 }`.
  static var engagementReader: ConfigReader<EngagementModel> {
    .object("an engagement model such as { sigma: 0.8 }") { engagement in
      engagement.required("sigma", .double(in: 0...3)).map(EngagementModel.init(sigma:))
    }
  }

  /// Reads `{ ratePerWeek: 0.5, classPage: { probability: 0.6, delay: "5m" } }`. Without
  /// `classPage`, every visit views a class page at once.
  static var visitsReader: ConfigReader<VisitModel> {
    .object(
      "a visit model such as { ratePerWeek: 0.5, classPage: { probability: 0.6, delay: \"5m\" } }"
    ) { visits in
      let errorsBefore = visits.diagnostics.errorCount
      let rate = visits.required("ratePerWeek", .double(in: 0...50))
      let classPage = visits.optional("classPage", stepReader)
      guard let rate, visits.diagnostics.errorCount == errorsBefore else { return nil }
      return VisitModel(ratePerWeek: rate, classPage: classPage ?? VisitModel.defaultClassPage)
    }
  }

  // MARK: Segment overrides

  /// Reads `{ segment: { step: { field: value } } }`, such as
  /// `{ "free-trial": { addToCart: { probability: 0.5 } } }`.
  static func overridesReader(segmentNames: [String])
    -> ConfigReader<[String: BehaviourOverride]>
  {
    ConfigReader<[String: BehaviourOverride]>(
      expecting: "an object of step overrides by segment name, such as "
        + "{ \"\(segmentNames.first ?? "free-trial")\": { addToCart: { probability: 0.5 } } }"
    ) { node, path, diagnostics in
      guard case .object(let object) = node.value else { return nil }
      var overrides: [String: BehaviourOverride] = [:]
      var valid = true
      for member in object.members {
        if case .null = member.value.value {
          continue
        }
        guard segmentNames.contains(member.key) else {
          reportUnknownSegment(
            member, path: path, segmentNames: segmentNames, diagnostics: diagnostics)
          valid = false
          continue
        }
        let memberPath = path.appending(key: member.key)
        guard let override = overrideReader.read(member.value, at: memberPath, into: diagnostics)
        else {
          valid = false
          continue
        }
        overrides[member.key] = override
      }
      return valid ? overrides : nil
    }
  }

  /// Reads one segment's overrides: an object whose keys are step names, each with the
  /// fields of that step, all optional.
  static var overrideReader: ConfigReader<BehaviourOverride> {
    .object("step overrides such as { addToCart: { probability: 0.5 } }") { override in
      let errorsBefore = override.diagnostics.errorCount
      let trailer = override.optional("trailer", trailerOverrideReader)
      let classPage = override.optional("classPage", stepOverrideReader)
      let browse = override.optional("browse", browseOverrideReader)
      let addToCart = override.optional("addToCart", stepOverrideReader)
      let checkout = override.optional("checkout", stepOverrideReader)
      let organicReturn = override.optional("organicReturn", stepOverrideReader)
      let emailReturn = override.optional("emailReturn", emailReturnOverrideReader)
      let visits = override.optional("visits", visitsOverrideReader)
      guard override.diagnostics.errorCount == errorsBefore else { return nil }
      return BehaviourOverride(
        trailerDelay: trailer ?? nil, classPage: classPage, browse: browse,
        addToCart: addToCart, checkout: checkout, organicReturn: organicReturn,
        emailReturn: emailReturn, visits: visits)
    }
  }

  /// Reads `{ delay: … }` for a trailer override; nil inside means no delay was given.
  static var trailerOverrideReader: ConfigReader<Distribution?> {
    .object("a trailer override such as { delay: \"1h\" }") { trailer in
      let delay = trailer.optional("delay", .distribution)
      guard rejectTrailerProbability(trailer) else { return nil }
      return .some(delay)
    }
  }

  static var stepOverrideReader: ConfigReader<StepOverride> {
    .object("a step override such as { probability: 0.5 }") { step in
      let errorsBefore = step.diagnostics.errorCount
      let probability = step.optional("probability", .probability)
      let delay = step.optional("delay", .distribution)
      guard step.diagnostics.errorCount == errorsBefore else { return nil }
      return StepOverride(probability: probability, delay: delay)
    }
  }

  static var browseOverrideReader: ConfigReader<BrowseOverride> {
    .object("a browse override such as { meanClasses: 3 }") { browse in
      let errorsBefore = browse.diagnostics.errorCount
      let mean = browse.optional("meanClasses", .double(in: 0...50))
      let delay = browse.optional("delay", .distribution)
      guard browse.diagnostics.errorCount == errorsBefore else { return nil }
      return BrowseOverride(meanClasses: mean, delay: delay)
    }
  }

  static var emailReturnOverrideReader: ConfigReader<EmailReturnOverride> {
    .object("an email return override such as { relevantProbability: 0.5 }") { model in
      let errorsBefore = model.diagnostics.errorCount
      let irrelevant = model.optional("irrelevantProbability", .probability)
      let relevant = model.optional("relevantProbability", .probability)
      let delay = model.optional("delay", .distribution)
      guard model.diagnostics.errorCount == errorsBefore else { return nil }
      return EmailReturnOverride(
        irrelevantProbability: irrelevant, relevantProbability: relevant, delay: delay)
    }
  }

  static var visitsOverrideReader: ConfigReader<VisitOverride> {
    .object("a visit override such as { ratePerWeek: 2 }") { visits in
      let errorsBefore = visits.diagnostics.errorCount
      let rate = visits.optional("ratePerWeek", .double(in: 0...50))
      let classPage = visits.optional("classPage", stepOverrideReader)
      guard visits.diagnostics.errorCount == errorsBefore else { return nil }
      return VisitOverride(ratePerWeek: rate, classPage: classPage)
    }
  }
}
