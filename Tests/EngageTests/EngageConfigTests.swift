import Config
import Customers
import Simulation
import Testing

@testable import Engage

/// The parts of a messaging configuration, as JSON5 text, so that each invalid case
/// changes one part of a valid whole.
struct Sections: Sendable {
  var templates = """
    [
      {
        name: "abandoned-cart",
        subject: "Still thinking about {{ abandoned.title }}?",
        heading: "Your class with {{ abandoned.instructor }} is waiting",
      },
      { name: "plain", subject: "Your cart", heading: "Come back" },
    ]
    """
  var arms = """
    [
      { name: "watched-classes", strategy: "watched-classes", share: 0.4, template: "plain" },
      { name: "same-category", strategy: "same-category", share: 0.4, listedClasses: 5 },
    ]
    """
  var holdout = "0.2"
  var globalControl = "0.05"
  var experiment: String?
  var steps = """
    [
      { wait: "1h" },
      { exitIf: "purchased-trigger-class" },
      { split: "experiment" },
      { sendEmail: { template: "abandoned-cart" } },
      { exit: true },
    ]
    """
  var workflowExtra = ""
  var workflows: String?

  var text: String {
    let experimentText =
      experiment
      ?? "{ arms: \(arms), holdout: \(holdout), globalControl: \(globalControl) }"
    let workflowsText =
      workflows
        ?? """
        [{ name: "abandoned-cart", trigger: { event: "Product Added" }, \(workflowExtra)
           steps: \(steps) }]
        """
    return """
      {
        templates: \(templates),
        experiment: \(experimentText),
        workflows: \(workflowsText),
        email: {
          deliverability: 0.97,
          deliveryDelay: { exponential: { mean: "30s" } },
          open: { probability: 0.35, delay: { lognormal: { median: "3h", sigma: 1.0 } } },
          click: { probability: 0.25, delay: { gamma: { shape: 2, mean: "3m" } } },
        },
      }
      """
  }
}

/// Reads `text` as the messaging sections, returning the value and the diagnostics.
private func read(_ text: String) throws -> (EngageConfig?, Diagnostics) {
  let root = try JSON5.parse(text, file: "engage.json5")
  let diagnostics = Diagnostics()
  let config = diagnostics.read(root, as: EngageConfig.reader)
  return (config, diagnostics)
}

@Suite("Engage readers")
struct EngageConfigTests {
  @Test func validSectionsRead() throws {
    let (read, diagnostics) = try read(Sections().text)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    let config = try #require(read)

    #expect(config.templates.map(\.name) == ["abandoned-cart", "plain"])
    #expect(config.templates[0].subject.source == "Still thinking about {{ abandoned.title }}?")
    #expect(config.workflows[0].name == "abandoned-cart")
    #expect(config.workflows[0].triggerEvent == "Product Added")
    #expect(
      config.workflows[0].steps == [
        .wait(.hours(1)), .exitIf(.purchasedTriggerClass), .split,
        .sendEmail(SendEmailStep(template: "abandoned-cart")), .exit,
      ])

    let experiment = try #require(config.experiment)
    #expect(experiment.holdout == 0.2)
    #expect(experiment.globalControl == 0.05)
    #expect(experiment.armNames == ["holdout", "watched-classes", "same-category"])
    #expect(
      experiment.arms == [
        ArmConfig(
          name: "watched-classes", strategy: .watchedClasses, share: 0.4, template: "plain",
          listedClasses: 3),
        ArmConfig(
          name: "same-category", strategy: .sameCategory, share: 0.4, template: nil,
          listedClasses: 5),
      ])
    #expect(config.email.deliverability == 0.97)
  }

  @Test func optionalSectionsTakeDefaults() throws {
    var sections = Sections()
    sections.templates = #"[{ name: "t", subject: "s", heading: "h" }]"#
    sections.experiment =
      #"{ arms: [{ name: "a", strategy: "abandoned-only", share: 1 }], holdout: 0 }"#
    sections.steps = #"[{ split: "experiment" }, { sendEmail: { template: "t" } }]"#
    let (read, diagnostics) = try read(sections.text)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    let config = try #require(read)
    let experiment = try #require(config.experiment)
    #expect(experiment.globalControl == 0)
    #expect(experiment.arms.first?.listedClasses == ArmConfig.defaultListedClasses)
    #expect(experiment.arms.first?.template == nil)
  }

  @Test func workflowWithoutSplitNeedsNoExperiment() throws {
    let text = """
      {
        templates: [{ name: "t", subject: "s", heading: "h" }],
        workflows: [{ name: "w", trigger: { event: "Product Added" },
                      steps: [{ wait: "0ms" }, { sendEmail: { template: "t" } }] }],
        email: {
          deliverability: 1, deliveryDelay: "1s",
          open: { probability: 0, delay: "1s" }, click: { probability: 0, delay: "1s" },
        },
      }
      """
    let (read, diagnostics) = try read(text)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    let config = try #require(read)
    #expect(config.experiment == nil)
    #expect(config.workflows[0].steps.first == .wait(.zero))
  }

  /// One invalid variant of the valid sections and the one error it must cause.
  struct InvalidCase: CustomTestStringConvertible, Sendable {
    let name: String
    let change: @Sendable (inout Sections) -> Void
    let path: String
    let fix: String

    var testDescription: String { name }
  }

  static let invalidCases: [InvalidCase] = [
    InvalidCase(
      name: "shares summing to 0.9", change: { $0.holdout = "0.1" }, path: "experiment",
      fix: "raise the holdout or an arm's share by 0.1"),
    InvalidCase(
      name: "unknown strategy",
      change: {
        $0.arms = #"[{ name: "a", strategy: "same-categroy", share: 0.8 }]"#
      },
      path: "experiment.arms[0].strategy", fix: #"did you mean "same-category"?"#),
    InvalidCase(
      name: "unknown template name",
      change: {
        $0.steps = """
          [{ wait: "1h" }, { exitIf: "purchased-anything" }, { split: "experiment" },
           { sendEmail: { template: "abandoned-crat" } }]
          """
      },
      path: "workflows[0].steps[3].sendEmail.template", fix: #"did you mean "abandoned-cart"?"#),
    InvalidCase(
      name: "two splits",
      change: {
        $0.steps = """
          [{ split: "experiment" }, { wait: "1h" }, { split: "experiment" },
           { sendEmail: { template: "plain" } }]
          """
      },
      path: "workflows[0].steps[2].split", fix: "remove one of the split steps"),
    InvalidCase(
      name: "sendEmail before the split",
      change: {
        $0.steps = #"[{ sendEmail: { template: "plain" } }, { split: "experiment" }]"#
      },
      path: "workflows[0].steps[0].sendEmail", fix: "move the sendEmail step after the split"),
    InvalidCase(
      name: "reserved arm name",
      change: {
        $0.arms = #"[{ name: "holdout", strategy: "abandoned-only", share: 0.8 }]"#
      },
      path: "experiment.arms[0].name", fix: "choose another name"),
    InvalidCase(
      name: "reserved global-control arm name",
      change: {
        $0.arms = #"[{ name: "global-control", strategy: "abandoned-only", share: 0.8 }]"#
      },
      path: "experiment.arms[0].name", fix: "choose another name"),
    InvalidCase(
      name: "unknown step kind wiat",
      change: { $0.steps = #"[{ wiat: "1h" }, { sendEmail: { template: "plain" } }]"# },
      path: "workflows[0].steps[0].wiat", fix: #"did you mean "wait"?"#),
    InvalidCase(
      name: "globalControl 1", change: { $0.globalControl = "1" },
      path: "experiment.globalControl", fix: "from 0 up to but not including 1"),
    InvalidCase(
      name: "two workflows with one name",
      change: {
        let workflow =
          #"{ name: "w", trigger: { event: "Product Added" }, steps: [{ exit: true }] }"#
        $0.experiment = "null"
        $0.workflows = "[\(workflow), \(workflow)]"
      },
      path: "workflows[1].name", fix: "give every element its own name"),
    InvalidCase(
      name: "step with two kinds",
      change: {
        $0.steps = #"[{ wait: "1h", split: "experiment" }, { sendEmail: { template: "plain" } }]"#
      },
      path: "workflows[0].steps[0]", fix: "write each kind as its own step object"),
    InvalidCase(
      name: "empty step", change: { $0.steps = #"[{}, { exit: true }]"# },
      path: "workflows[0].steps[0]", fix: "write one of"),
    InvalidCase(
      name: "exit false",
      change: {
        $0.steps =
          #"[{ split: "experiment" }, { sendEmail: { template: "plain" } }, { exit: false }]"#
      },
      path: "workflows[0].steps[2].exit", fix: "to true"),
    InvalidCase(
      name: "split without an experiment",
      change: {
        $0.experiment = "null"
        $0.steps = #"[{ split: "experiment" }, { sendEmail: { template: "plain" } }]"#
      },
      path: "workflows[0].steps[0].split", fix: "add an experiment section"),
    InvalidCase(
      name: "split of another section",
      change: {
        $0.steps = #"[{ split: "experimnt" }, { sendEmail: { template: "plain" } }]"#
      },
      path: "workflows[0].steps[0].split", fix: #"did you mean "experiment"?"#),
    InvalidCase(
      name: "unknown exit condition",
      change: {
        $0.steps = """
          [{ exitIf: "purchased-anythin" }, { split: "experiment" },
           { sendEmail: { template: "plain" } }]
          """
      },
      path: "workflows[0].steps[0].exitIf", fix: #"did you mean "purchased-anything"?"#),
    InvalidCase(
      name: "negative wait",
      change: {
        $0.steps =
          #"[{ wait: "-1h" }, { split: "experiment" }, { sendEmail: { template: "plain" } }]"#
      },
      path: "workflows[0].steps[0].wait", fix: "use a number and a unit"),
    InvalidCase(
      name: "repeated template name",
      change: {
        $0.templates =
          #"""
          [{ name: "plain", subject: "a", heading: "b" },
           { name: "plain", subject: "c", heading: "d" }]
          """#
        $0.steps = #"[{ split: "experiment" }, { sendEmail: { template: "plain" } }]"#
      },
      path: "templates[1].name", fix: "give every element its own name"),
    InvalidCase(
      name: "template name with a space",
      change: {
        $0.templates = #"[{ name: "abandoned cart", subject: "a", heading: "b" }]"#
      },
      path: "templates[0].name", fix: "letters, digits"),
    InvalidCase(
      name: "subject on two lines",
      change: {
        $0.templates =
          #"""
          [{ name: "abandoned-cart", subject: "a\nb", heading: "b" },
           { name: "plain", subject: "a", heading: "b" }]
          """#
      },
      path: "templates[0].subject", fix: "write the subject on one line"),
    InvalidCase(
      name: "unknown placeholder",
      change: {
        $0.templates =
          #"""
          [{ name: "abandoned-cart", subject: "a", heading: "{{ abandoned.titel }}" },
           { name: "plain", subject: "a", heading: "b" }]
          """#
      },
      path: "templates[0].heading", fix: "use one of: abandoned.category"),
    InvalidCase(
      name: "unknown arm template",
      change: {
        $0.arms = #"[{ name: "a", strategy: "abandoned-only", share: 0.8, template: "plan" }]"#
      },
      path: "experiment.arms[0].template", fix: #"did you mean "plain"?"#),
    InvalidCase(
      name: "repeated arm name",
      change: {
        $0.arms = """
          [{ name: "a", strategy: "abandoned-only", share: 0.4 },
           { name: "a", strategy: "catalog-picks", share: 0.4 }]
          """
      },
      path: "experiment.arms[1].name", fix: "give every element its own name"),
    InvalidCase(
      name: "listedClasses above 10",
      change: {
        $0.arms = #"[{ name: "a", strategy: "catalog-picks", share: 0.8, listedClasses: 11 }]"#
      },
      path: "experiment.arms[0].listedClasses", fix: "an integer from 0 to 10"),
    InvalidCase(
      name: "share above 1",
      change: { $0.arms = #"[{ name: "a", strategy: "catalog-picks", share: 1.8 }]"# },
      path: "experiment.arms[0].share", fix: "a probability from 0 to 1"),
    InvalidCase(
      name: "no arms",
      change: { $0.arms = "[]" },
      path: "experiment.arms", fix: "an array of 1 to 20 elements"),
    InvalidCase(
      name: "delay of the previous format",
      change: { $0.workflowExtra = #"delay: "1h","# },
      path: "workflows[0].delay", fix: "wait"),
  ]

  @Test(arguments: invalidCases)
  func invalidSectionIsReported(_ invalid: InvalidCase) throws {
    var sections = Sections()
    invalid.change(&sections)
    let (config, diagnostics) = try read(sections.text)
    #expect(config == nil)
    let errors = diagnostics.errors
    #expect(errors.count == 1, "\(errors)")
    let error = try #require(errors.first)
    #expect("\(error.path)" == invalid.path, "\(error)")
    #expect(error.fix?.contains(invalid.fix) == true, "\(error)")
    #expect(error.location != nil)
  }

  @Test func shareSumErrorShowsTheSum() throws {
    var sections = Sections()
    sections.holdout = "0.1"
    let (_, diagnostics) = try read(sections.text)
    let error = try #require(diagnostics.errors.first)
    #expect(error.found == "a sum of 0.9")
    #expect(error.problem.contains("sum to 1"))
  }

  @Test func shareSumWithinToleranceIsAccepted() throws {
    var sections = Sections()
    sections.arms = """
      [{ name: "a", strategy: "abandoned-only", share: 0.1 },
       { name: "b", strategy: "abandoned-only", share: 0.2 },
       { name: "c", strategy: "abandoned-only", share: 0.3 },
       { name: "d", strategy: "abandoned-only", share: 0.2 }]
      """
    let (config, diagnostics) = try read(sections.text)
    #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors)")
    #expect(config != nil)
  }

  @Test func unknownStrategyListsTheStrategies() throws {
    var sections = Sections()
    sections.arms = #"[{ name: "a", strategy: "random", share: 0.8 }]"#
    let (_, diagnostics) = try read(sections.text)
    let error = try #require(diagnostics.errors.first)
    for strategy in PersonalizationStrategy.allCases {
      #expect(error.problem.contains(strategy.rawValue), "\(error)")
    }
  }

  @Test func emptyWorkflowListIsAnError() throws {
    var sections = Sections()
    sections.workflows = "[]"
    let (_, diagnostics) = try read(sections.text)
    let error = try #require(diagnostics.errors.first)
    #expect("\(error.path)" == "workflows")
    #expect(error.problem == "expected an array of 1 to 50 elements")
  }

  @Test func stepsAfterExitAreAWarning() throws {
    var sections = Sections()
    sections.steps = """
      [{ split: "experiment" }, { exit: true }, { sendEmail: { template: "plain" } }]
      """
    let (config, diagnostics) = try read(sections.text)
    #expect(config != nil)
    #expect(diagnostics.errors.isEmpty)
    let warning = try #require(diagnostics.warnings.first)
    #expect("\(warning.path)" == "workflows[0].steps[2].sendEmail")
    #expect(warning.problem.contains("never runs"))
  }

  @Test func experimentWithoutSplitIsAWarning() throws {
    var sections = Sections()
    sections.steps = #"[{ wait: "1h" }, { sendEmail: { template: "plain" } }]"#
    let (config, diagnostics) = try read(sections.text)
    #expect(config != nil)
    #expect(diagnostics.errors.isEmpty)
    let warning = try #require(diagnostics.warnings.first)
    #expect("\(warning.path)" == "experiment")
  }

  @Test func invalidTemplatesAreNotReportedAgainAtSteps() throws {
    var sections = Sections()
    sections.templates = #"[{ name: "abandoned-cart", subject: 5, heading: "h" }]"#
    let (config, diagnostics) = try read(sections.text)
    #expect(config == nil)
    #expect(diagnostics.errors.map { "\($0.path)" } == ["templates[0].subject"])
  }

  // MARK: Encoding

  @Test func sectionsRoundTrip() throws {
    let (first, _) = try read(Sections().text)
    let config = try #require(first)
    let text = config.configValue.canonicalText()
    let (second, diagnostics) = try read(text)
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    #expect(second == config)
    #expect(second?.configValue.canonicalText() == text)
  }

  @Test func encodingWritesDefaults() throws {
    var sections = Sections()
    sections.experiment =
      #"{ arms: [{ name: "a", strategy: "catalog-picks", share: 1 }], holdout: 0 }"#
    let (read, _) = try read(sections.text)
    let config = try #require(read)
    let experiment = try #require(config.experiment)
    #expect(
      experiment.configValue
        == [
          "arms": [
            [
              "name": "a", "strategy": "catalog-picks", "share": .number(1),
              "listedClasses": .integer(3),
            ]
          ],
          "holdout": .number(0), "globalControl": .number(0), "name": "abandoned-cart",
        ])
  }

  @Test(arguments: [
    WorkflowStep.wait(.zero), .wait(.milliseconds(1_500)), .exitIf(.purchasedTriggerClass),
    .exitIf(.purchasedAnything), .exitIf(.noEmailConsent), .split,
    .sendEmail(SendEmailStep(template: "plain")), .exit,
  ])
  func stepRoundTrips(_ step: WorkflowStep) throws {
    let text = step.configValue.canonicalText()
    let node = try JSON5.parse(text, file: "step.json5")
    let diagnostics = Diagnostics()
    let scope = ConditionScope(properties: .event("Product Added"), customAttributes: [])
    let read = diagnostics.read(
      node, as: WorkflowStep.reader(templates: ["plain"], scope: scope))
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    #expect(read?.step == step)
  }

  @Test func workflowWithoutExperimentRoundTrips() throws {
    let config = EngageConfig(
      templates: [
        TemplateConfig(
          name: "t",
          subject: try EmailTemplate(
            "{{ abandoned.title }} for {{ abandoned.price }}",
            allowedNames: WorkflowConfig.placeholderNames),
          heading: try EmailTemplate("A & B", allowedNames: []))
      ],
      experiment: nil,
      workflow: WorkflowConfig(
        name: "w", triggerEvent: "Product Added",
        steps: [.wait(.days(2)), .sendEmail(SendEmailStep(template: "t"))]),
      email: EmailConfig(
        deliverability: 0.5, deliveryDelay: .uniform(minimum: .zero, maximum: .hours(1)),
        open: StepModel(probability: 0.1, delay: .exponential(mean: .minutes(5))),
        click: StepModel(probability: 0.2, delay: .fixed(.seconds(3)))))
    let (read, diagnostics) = try read(config.configValue.canonicalText())
    #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
    #expect(read == config)
  }

  // MARK: Validation of values built in code

  @Test func validateRejectsUnknownTemplate() {
    let config = EngageConfig(
      templates: [], experiment: nil,
      workflow: WorkflowConfig(
        name: "w", triggerEvent: "Product Added",
        steps: [.sendEmail(SendEmailStep(template: "missing"))]),
      email: EmailConfig(
        deliverability: 1, deliveryDelay: .fixed(.zero),
        open: StepModel(probability: 0, delay: .fixed(.zero)),
        click: StepModel(probability: 0, delay: .fixed(.zero))))
    #expect(throws: EngageConfigError.self) { try config.validate() }
  }

  @Test func validateRejectsSplitWithoutExperiment() {
    let config = EngageConfig(
      templates: [], experiment: nil,
      workflow: WorkflowConfig(name: "w", triggerEvent: "Product Added", steps: [.split]),
      email: EmailConfig(
        deliverability: 1, deliveryDelay: .fixed(.zero),
        open: StepModel(probability: 0, delay: .fixed(.zero)),
        click: StepModel(probability: 0, delay: .fixed(.zero))))
    #expect(throws: EngageConfigError.self) { try config.validate() }
  }
}
