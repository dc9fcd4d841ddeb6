import Testing

@testable import Engage

// MARK: Fixtures

private func item(
  _ id: String, _ title: String, instructor: String = "Ana", category: String = "cooking",
  price: String = "$120.00"
) -> TemplateObject {
  TemplateObject(
    [
      "id": .text(id), "title": .text(title), "instructor": .text(instructor),
      "category": .text(category), "price": .text(price),
      "url": .text("https://www.example.com/classes/\(id)"),
    ], classId: id)
}

/// An email's data: an abandoned class whose fields need escaping, three watched classes,
/// no recommendations and no recommended category.
private func sampleData(withAbandoned: Bool = true) -> TemplateObject {
  var data = TemplateObject([
    "watchedClasses": .list([
      item("w1", "Jazz <Piano>"), item("w2", "Tom & Jerry's \"Film\""), item("w3", "Memoir"),
    ]),
    "recommendedClasses": .list([]),
    "profile": .object(
      TemplateObject([
        "classesWatched": .number(3), "classesPurchased": .number(0),
        "favouriteCategory": .text("cooking"),
      ])),
  ])
  if withAbandoned {
    data["abandoned"] = .object(
      item("a", "<b>Bread & \"Butter\"</b>", instructor: "O'Neil"))
  }
  return data
}

private func render(
  _ source: String, _ data: TemplateObject = sampleData(), format: TemplateOutputFormat = .html,
  fallback: Bool = false
) throws -> TemplateRendering {
  try EmailTemplate(source).render(data, format: format, fallback: fallback)
}

private func renderedText(_ source: String, _ data: TemplateObject = sampleData()) throws
  -> String?
{
  guard case .rendered(let text) = try render(source, data) else { return nil }
  return text.text
}

/// A case of rendering: the template and the HTML it must give with `sampleData()`.
struct RenderCase: CustomTestStringConvertible, Sendable {
  let name: String
  let source: String
  let expected: String

  var testDescription: String { name }
}

/// A template that must not parse, where, and what the message and the fix contain.
struct ParseErrorCase: CustomTestStringConvertible, Sendable {
  let name: String
  let source: String
  let line: Int
  let column: Int
  let problem: String
  let fix: String

  var testDescription: String { name }
}

@Suite("Email templates")
struct EmailTemplateTests {
  // MARK: Rendering

  static let renderCases: [RenderCase] = [
    RenderCase(
      name: "value escaped", source: "Hi {{ abandoned.title }}!",
      expected: "Hi &lt;b&gt;Bread &amp; &quot;Butter&quot;&lt;/b&gt;!"),
    RenderCase(
      name: "no spaces inside braces", source: "{{abandoned.instructor}}",
      expected: "O&#39;Neil"),
    RenderCase(
      name: "text outside tags as written", source: "<p class=\"x\">R&B é ✓</p>",
      expected: "<p class=\"x\">R&B é ✓</p>"),
    RenderCase(name: "stray closing braces are text", source: "a }} b", expected: "a }} b"),
    RenderCase(
      name: "default for an absent field",
      source: "Hi {{ recommendedCategory | default: \"there\" }}", expected: "Hi there"),
    RenderCase(
      name: "default unused for a present field",
      source: "{{ profile.favouriteCategory | default: \"x\" }}", expected: "cooking"),
    RenderCase(
      name: "default escaped", source: "{{ recommendedCategory | default: \"A & <B>\" }}",
      expected: "A &amp; &lt;B&gt;"),
    RenderCase(
      name: "default in single quotes with an escaped quote",
      source: "{{ recommendedCategory | default: 'it\\'s' }}", expected: "it&#39;s"),
    RenderCase(
      name: "default containing closing braces",
      source: "{{ recommendedCategory | default: \"}}\" }}", expected: "}}"),
    RenderCase(
      name: "helpers chain after a default",
      source: "{{ recommendedCategory | default: \"popular\" | capitalize }}",
      expected: "Popular"),
    RenderCase(
      name: "upcase and downcase",
      source: "{{ profile.favouriteCategory | upcase }} {{ abandoned.instructor | downcase }}",
      expected: "COOKING o&#39;neil"),
    RenderCase(
      name: "number", source: "{{ profile.classesWatched }} classes", expected: "3 classes"),
    RenderCase(
      name: "if with else on an empty list",
      source: "{{#if recommendedClasses}}yes{{else}}no{{/if}}", expected: "no"),
    RenderCase(
      name: "if on a number of 0", source: "{{#if profile.classesPurchased}}yes{{else}}no{{/if}}",
      expected: "no"),
    RenderCase(
      name: "unless", source: "{{#unless recommendedCategory}}none{{/unless}}",
      expected: "none"),
    RenderCase(
      name: "nested conditionals",
      source:
        "{{#if abandoned}}{{#if profile.favouriteCategory}}{{#unless recommendedCategory}}A"
        + "{{else}}B{{/unless}}{{else}}C{{/if}}{{else}}D{{/if}}",
      expected: "A"),
    RenderCase(
      name: "loop with index, first and last",
      source:
        "{{#each watchedClasses}}{{#unless @first}}, {{/unless}}{{ @index }}:{{ id }}"
        + "{{#if @last}}.{{/if}}{{/each}}",
      expected: "0:w1, 1:w2, 2:w3."),
    RenderCase(
      name: "loop escapes every value",
      source: "{{#each watchedClasses}}[{{ this.title }}]{{/each}}",
      expected: "[Jazz &lt;Piano&gt;][Tom &amp; Jerry&#39;s &quot;Film&quot;][Memoir]"),
    RenderCase(
      name: "values in attributes escaped",
      source: "{{#each watchedClasses}}<a href=\"{{ url }}\" title=\"{{ title }}\">{{/each}}",
      expected:
        "<a href=\"https://www.example.com/classes/w1\" title=\"Jazz &lt;Piano&gt;\">"
        + "<a href=\"https://www.example.com/classes/w2\" "
        + "title=\"Tom &amp; Jerry&#39;s &quot;Film&quot;\">"
        + "<a href=\"https://www.example.com/classes/w3\" title=\"Memoir\">"),
    RenderCase(
      name: "top-level field inside a loop",
      source: "{{#each watchedClasses}}{{ abandoned.instructor }};{{/each}}",
      expected: "O&#39;Neil;O&#39;Neil;O&#39;Neil;"),
    RenderCase(
      name: "nested loops",
      source:
        "{{#each watchedClasses}}{{#each watchedClasses}}{{ @index }}{{/each}}|{{/each}}",
      expected: "012|012|012|"),
    RenderCase(
      name: "else of an empty loop",
      source: "{{#each recommendedClasses}}x{{else}}none{{/each}}", expected: "none"),
    RenderCase(
      name: "comments render nothing", source: "a{{! note }}b{{!-- x }} y --}}c",
      expected: "abc"),
    RenderCase(
      name: "block tags alone on lines leave no lines",
      source: "<ul>\n{{#each watchedClasses}}\n<li>{{ id }}</li>\n{{/each}}\n</ul>\n",
      expected: "<ul>\n<li>w1</li>\n<li>w2</li>\n<li>w3</li>\n</ul>\n"),
    RenderCase(
      name: "indented block tags and comments",
      source: "  {{#if abandoned}}  \nx\n\t{{! why }}\n  {{else}}\ny\n  {{/if}}\nz",
      expected: "x\nz"),
    RenderCase(
      name: "block tags sharing a line stay",
      source: "{{#if abandoned}}x{{/if}}\n{{#if abandoned}}\ny {{/if}}\n",
      expected: "x\ny \n"),
    RenderCase(
      name: "missing block renders nothing in place",
      source: "A{{#missing}}F{{/missing}}B", expected: "AB"),
    RenderCase(
      name: "carriage return line breaks",
      source: "a\r\n{{#if abandoned}}\r\nb\r\n{{/if}}\r\n", expected: "a\r\nb\r\n"),
  ]

  @Test(arguments: renderCases)
  func rendersHTML(_ testCase: RenderCase) throws {
    #expect(try renderedText(testCase.source) == testCase.expected)
  }

  @Test func plainTextKeepsCharactersAndRemovesLineBreaks() throws {
    var data = sampleData()
    data["recommendedCategory"] = .text("R&B\nand\tsoul")
    let rendering = try render(
      "<{{ recommendedCategory }}> {{ abandoned.title }}", data, format: .plainText)
    #expect(rendering == .rendered(
      RenderedText(text: "<R&B and soul> <b>Bread & \"Butter\"</b>", shownClassIds: ["a"])))
  }

  @Test func longListRendersEveryElement() throws {
    var data = sampleData()
    data["recommendedClasses"] = .list(
      (0..<1_000).map { item("c\($0)", "Class <\($0)>") })
    let text = try #require(
      try renderedText("{{#each recommendedClasses}}<li>{{ title }}</li>\n{{/each}}", data))
    let lines = text.split(separator: "\n")
    #expect(lines.count == 1_000)
    #expect(lines.first == "<li>Class &lt;0&gt;</li>")
    #expect(lines.last == "<li>Class &lt;999&gt;</li>")
  }

  @Test func shownClassesInFirstShownOrder() throws {
    let template = try EmailTemplate(
      "{{#if abandoned}}{{/if}}{{#each watchedClasses}}{{#if @last}}{{ title }}{{/if}}"
        + "{{/each}}{{ abandoned.price }}{{ abandoned.title }}")
    guard case .rendered(let text) = template.render(sampleData(), format: .html) else {
      Issue.record("the template did not render")
      return
    }
    #expect(text.shownClassIds == ["w3", "a"])
  }

  // MARK: Missing fields

  @Test(arguments: [
    ("{{ recommendedCategory }}", "recommendedCategory"),
    ("x {{ abandoned.title }}", "abandoned.title"),
    ("{{#each watchedClasses}}{{ title }}{{ recommendedCategory | upcase }}{{/each}}",
     "recommendedCategory"),
  ])
  func absentFieldWithoutDefaultIsMissing(source: String, field: String) throws {
    #expect(try render(source, sampleData(withAbandoned: false)) == .missing(field: field))
  }

  @Test func absentFieldInsideFalseConditionIsNotMissing() throws {
    let source = "{{#if abandoned}}{{ abandoned.title }}{{else}}your class{{/if}}"
    #expect(try renderedText(source, sampleData(withAbandoned: false)) == "your class")
  }

  @Test func emptyTextWithoutDefaultIsWritten() throws {
    var data = sampleData()
    data["recommendedCategory"] = .text("")
    #expect(try renderedText("[{{ recommendedCategory }}]", data) == "[]")
    #expect(try renderedText("[{{ recommendedCategory | default: \"d\" }}]", data) == "[d]")
  }

  @Test func fallbackModeRendersTheMissingBlockAlone() throws {
    let source = "Hi {{ recommendedCategory }}\n{{#missing}}\nHello {{ abandoned.instructor }}\n{{/missing}}\n"
    #expect(try render(source) == .missing(field: "recommendedCategory"))
    #expect(
      try render(source, fallback: true)
        == .rendered(RenderedText(text: "Hello O&#39;Neil\n", shownClassIds: ["a"])))
    // A template without a missing block renders whole in fallback mode.
    #expect(try renderedText("x {{ abandoned.id }}") == "x a")
    #expect(
      try render("x {{ abandoned.id }}", fallback: true)
        == .rendered(RenderedText(text: "x a", shownClassIds: ["a"])))
  }

  static func config(
    subject: String, html: String, missing: MissingFieldPolicy
  ) throws -> TemplateConfig {
    TemplateConfig(
      name: "t", subject: try EmailTemplate(subject), html: try EmailTemplate(html),
      missing: missing)
  }

  @Test func skipPolicySendsNothing() throws {
    let template = try Self.config(
      subject: "About {{ abandoned.title }}", html: "<p>{{ abandoned.url }}</p>",
      missing: .skip)
    #expect(
      template.render(sampleData(withAbandoned: false))
        == .skipped(missingField: "abandoned.title"))
  }

  @Test func fallbackPolicyRendersBothFallbacks() throws {
    let template = try Self.config(
      subject: "About {{ abandoned.title }}{{#missing}}Your cart is waiting{{/missing}}",
      html: "<p>{{ abandoned.title }}</p>{{#missing}}<p>Come back</p>{{/missing}}",
      missing: .fallback)
    #expect(
      template.render(sampleData(withAbandoned: false))
        == .fallback(
          RenderedEmail(
            subject: "Your cart is waiting", html: "<p>Come back</p>", shownClassIds: []),
          missingField: "abandoned.title"))
    guard case .complete(let email) = template.render(sampleData()) else {
      Issue.record("a complete email was expected")
      return
    }
    #expect(email.subject == "About <b>Bread & \"Butter\"</b>")
    #expect(email.shownClassIds == ["a"])
  }

  @Test func missingFieldInFallbackSkips() throws {
    let template = try Self.config(
      subject: "Hi", html: "{{ abandoned.title }}{{#missing}}{{ recommendedCategory }}{{/missing}}",
      missing: .fallback)
    #expect(
      template.render(sampleData(withAbandoned: false))
        == .skipped(missingField: "recommendedCategory"))
  }

  @Test func unconditionalOutputsLeaveOutGuardedOnes() throws {
    let template = try EmailTemplate(
      "{{ abandoned.title }}{{ recommendedCategory | default: \"x\" }}"
        + "{{#if abandoned}}{{ abandoned.url }}{{/if}}{{ profile.classesWatched }}")
    #expect(template.unconditionalOutputs == ["abandoned.title", "profile.classesWatched"])
  }

  // MARK: Parse errors

  static let parseErrorCases: [ParseErrorCase] = [
    ParseErrorCase(
      name: "misspelt field", source: "{{ abandoned.titel }}", line: 1, column: 4,
      problem: "unknown field \"abandoned.titel\"", fix: "did you mean \"abandoned.title\"?"),
    ParseErrorCase(
      name: "unknown field on line 2", source: "Hi\n  {{ nope }}", line: 2, column: 6,
      problem: "unknown field \"nope\"", fix: "use one of: abandoned, abandoned.id"),
    ParseErrorCase(
      name: "misspelt field in a loop", source: "{{#each watchedClasses}}\n{{titel}}{{/each}}",
      line: 2, column: 3, problem: "unknown field \"titel\"", fix: "did you mean \"title\"?"),
    ParseErrorCase(
      name: "line after a carriage return", source: "a\r\n\r{{ nope }}", line: 3, column: 4,
      problem: "unknown field", fix: "use one of"),
    ParseErrorCase(
      name: "unclosed tag", source: "ab {{ abandoned.title", line: 1, column: 4,
      problem: "'{{' is not closed by '}}'", fix: "close the tag"),
    ParseErrorCase(
      name: "empty tag", source: "x\n {{  }}", line: 2, column: 2, problem: "empty tag",
      fix: "write a field name"),
    ParseErrorCase(
      name: "misspelt helper", source: "{{ abandoned.title | upcas }}", line: 1, column: 22,
      problem: "unknown helper \"upcas\"", fix: "did you mean \"upcase\"?"),
    ParseErrorCase(
      name: "unknown helper", source: "{{ abandoned.title | truncate }}", line: 1, column: 22,
      problem: "unknown helper \"truncate\"", fix: "use one of: default, upcase"),
    ParseErrorCase(
      name: "default without a text", source: "{{ abandoned.title | default }}", line: 1,
      column: 22, problem: "the default helper needs a text", fix: "default: \"…\""),
    ParseErrorCase(
      name: "argument to upcase", source: "{{ abandoned.title | upcase: \"x\" }}", line: 1,
      column: 22, problem: "the upcase helper takes no argument", fix: "write | upcase"),
    ParseErrorCase(
      name: "unclosed quote", source: "{{ abandoned.title | default: \"x }}", line: 1,
      column: 31, problem: "the quoted text is not closed", fix: "close the quote"),
    ParseErrorCase(
      name: "missing separator", source: "{{ abandoned.title upcase }}", line: 1, column: 20,
      problem: "unexpected 'u' after \"abandoned.title\"", fix: "separate helpers with '|'"),
    ParseErrorCase(
      name: "unclosed block", source: "a\n{{#if abandoned}}x", line: 2, column: 1,
      problem: "{{#if abandoned}} is not closed", fix: "add {{/if}}"),
    ParseErrorCase(
      name: "mismatched close", source: "{{#if abandoned}}x{{/each}}", line: 1, column: 19,
      problem: "{{/each}} does not match {{#if abandoned}} at line 1, column 1",
      fix: "close {{#if abandoned}} with {{/if}} first"),
    ParseErrorCase(
      name: "close without open", source: "x{{/if}}", line: 1, column: 2,
      problem: "{{/if}} closes no block", fix: "remove it"),
    ParseErrorCase(
      name: "else outside a block", source: "{{else}}", line: 1, column: 1,
      problem: "{{else}} outside a block", fix: "use {{else}} inside"),
    ParseErrorCase(
      name: "second else", source: "{{#if abandoned}}{{else}}{{else}}{{/if}}", line: 1,
      column: 26, problem: "a second {{else}}", fix: "remove one {{else}}"),
    ParseErrorCase(
      name: "else with a condition", source: "{{#if abandoned}}{{else if x}}{{/if}}", line: 1,
      column: 20, problem: "{{else …}} with a condition is not supported", fix: "nest"),
    ParseErrorCase(
      name: "misspelt block helper", source: "{{#iff abandoned}}{{/iff}}", line: 1, column: 3,
      problem: "unknown block helper \"#iff\"", fix: "did you mean \"#if\"?"),
    ParseErrorCase(
      name: "unknown block helper", source: "{{#with abandoned}}{{/with}}", line: 1, column: 3,
      problem: "unknown block helper \"#with\"", fix: "use one of: #if, #unless, #each"),
    ParseErrorCase(
      name: "loop over an object", source: "{{#each abandoned}}{{/each}}", line: 1, column: 9,
      problem: "\"abandoned\" is an object, not a list", fix: "walk a list"),
    ParseErrorCase(
      name: "block without a field", source: "{{#each}}{{/each}}", line: 1, column: 1,
      problem: "{{#each}} needs a field", fix: "{{#each watchedClasses}}"),
    ParseErrorCase(
      name: "helper in a block argument", source: "{{#if abandoned | upcase}}{{/if}}",
      line: 1, column: 16, problem: "{{#if}} takes one field name and no helpers",
      fix: "write {{#if abandoned}}"),
    ParseErrorCase(
      name: "list written as text", source: "{{ watchedClasses }}", line: 1, column: 4,
      problem: "\"watchedClasses\" is a list", fix: "{{#each watchedClasses}}"),
    ParseErrorCase(
      name: "object written as text", source: "{{ profile.lastClassEnrolled }}", line: 1,
      column: 4, problem: "is an object", fix: "{{ profile.lastClassEnrolled.title }}"),
    ParseErrorCase(
      name: "field of a text", source: "{{ abandoned.title.length }}", line: 1, column: 4,
      problem: "\"abandoned.title\" is a text, which has no field \"length\"",
      fix: "write abandoned.title alone"),
    ParseErrorCase(
      name: "loop variable outside a loop", source: "{{ @index }}", line: 1, column: 4,
      problem: "\"@index\" is used outside {{#each}}", fix: "inside an {{#each}} block"),
    ParseErrorCase(
      name: "flag written as text", source: "{{#each watchedClasses}}{{ @first }}{{/each}}",
      line: 1, column: 28, problem: "\"@first\" is true or false", fix: "{{#if @first}}"),
    ParseErrorCase(
      name: "misspelt loop variable", source: "{{#each watchedClasses}}{{@idx}}{{/each}}",
      line: 1, column: 27, problem: "unknown loop variable \"@idx\"",
      fix: "did you mean \"@index\"?"),
    ParseErrorCase(
      name: "this outside a loop", source: "{{ this.title }}", line: 1, column: 4,
      problem: "\"this\" is used outside {{#each}}", fix: "inside an {{#each}} block"),
    ParseErrorCase(
      name: "parent path", source: "{{#each watchedClasses}}{{ ../title }}{{/each}}", line: 1,
      column: 28, problem: "parent paths", fix: "top-level field"),
    ParseErrorCase(
      name: "triple braces", source: "x {{{ abandoned.title }}}", line: 1, column: 3,
      problem: "a triple-brace tag", fix: "every value is HTML-escaped"),
    ParseErrorCase(
      name: "unescaped ampersand tag", source: "{{& abandoned.title }}", line: 1, column: 3,
      problem: "writes a value without escaping", fix: "every value is HTML-escaped"),
    ParseErrorCase(
      name: "inverted section", source: "{{^abandoned}}x{{/abandoned}}", line: 1, column: 3,
      problem: "inverted sections", fix: "{{#unless field}}"),
    ParseErrorCase(
      name: "partial", source: "{{> footer }}", line: 1, column: 3,
      problem: "partials", fix: "write the shared text"),
    ParseErrorCase(
      name: "unclosed comment", source: "{{!-- note }}", line: 1, column: 1,
      problem: "the comment {{!-- is not closed", fix: "--}}"),
    ParseErrorCase(
      name: "missing block inside a block",
      source: "{{#if abandoned}}\n  {{#missing}}x{{/missing}}\n{{/if}}", line: 2, column: 3,
      problem: "{{#missing}} must be at the top level of the template",
      fix: "out of {{#if abandoned}}"),
    ParseErrorCase(
      name: "two missing blocks", source: "{{#missing}}a{{/missing}}{{#missing}}b{{/missing}}",
      line: 1, column: 26, problem: "at most one {{#missing}} block", fix: "merge"),
    ParseErrorCase(
      name: "else in a missing block", source: "{{#missing}}a{{else}}b{{/missing}}", line: 1,
      column: 14, problem: "{{#missing}} has no {{else}} part", fix: "remove the {{else}}"),
    ParseErrorCase(
      name: "argument to missing", source: "{{#missing abandoned}}{{/missing}}", line: 1,
      column: 12, problem: "{{#missing}} takes no argument", fix: "write {{#missing}} alone"),
    ParseErrorCase(
      name: "double dot", source: "{{ abandoned..title }}", line: 1, column: 4,
      problem: "invalid field path", fix: "single dots"),
  ]

  @Test(arguments: parseErrorCases)
  func parseErrorHasPosition(_ testCase: ParseErrorCase) {
    do {
      _ = try EmailTemplate(testCase.source)
      Issue.record("parsed without an error")
    } catch {
      #expect(error.line == testCase.line)
      #expect(error.column == testCase.column)
      #expect(error.problem.contains(testCase.problem), "\(error.problem)")
      #expect(error.fix.contains(testCase.fix), "\(error.fix)")
    }
  }

  @Test func errorDescriptionNamesThePosition() {
    let error = TemplateError(line: 2, column: 5, problem: "unknown field \"x\"", fix: "fix it")
    #expect(error.description == "unknown field \"x\" at line 2, column 5 of the template; fix it")
  }

  @Test func templatesWithTheSameSourceAreEqual() throws {
    #expect(try EmailTemplate("{{ abandoned.title }}") == EmailTemplate("{{ abandoned.title }}"))
    #expect(try EmailTemplate("a") != EmailTemplate("b"))
  }
}

@Test(arguments: [(Int64(12_000), "$120.00"), (9_905, "$99.05"), (0, "$0.00"), (7, "$0.07")])
func priceFormatting(cents: Int64, expected: String) {
  #expect(formatPrice(cents) == expected)
}
