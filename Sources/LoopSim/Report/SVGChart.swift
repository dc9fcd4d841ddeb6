import Foundation

/// An inline SVG chart under construction. Every element that draws a data value gets the
/// class `mark` and a `<title>` with the value, and is counted. The figure states the count
/// (`data-marks`), so a test can compare it with what a browser rendered.
struct SVGChart {
  static let width = 720.0
  /// Okabe and Ito's palette, which stays distinguishable under the common forms of colour
  /// blindness.
  static let palette = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
  ]

  let id: String
  let title: String
  var height: Double
  private(set) var body = ""
  private(set) var marks = 0

  init(id: String, title: String, height: Double) {
    self.id = id
    self.title = title
    self.height = height
  }

  static func colour(_ index: Int) -> String {
    palette[index % palette.count]
  }

  /// Appends an element that is not data: an axis, a grid line, a label.
  mutating func decorate(_ element: String) {
    body += element + "\n"
  }

  /// Appends a data mark: `element` is an SVG element name, `attributes` its attributes
  /// (already formatted), and `label` the text of its tooltip.
  mutating func mark(_ element: String, _ attributes: String, label: String) {
    body += "<\(element) class=\"mark\" \(attributes)><title>\(HTML.escape(label))</title>"
      + "</\(element)>\n"
    marks += 1
  }

  mutating func text(
    _ content: String, x: Double, y: Double, anchor: String = "start",
    className: String = "label"
  ) {
    decorate(
      "<text class=\"\(className)\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">"
        + HTML.escape(content) + "</text>")
  }

  /// Draws a legend row at the top: one coloured square and name per series.
  mutating func legend(_ names: [String], colours: [String], y: Double = 14) {
    var x = 8.0
    for (name, colour) in zip(names, colours) {
      decorate(
        "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>")
      text(name, x: x + 14, y: y)
      x += 14 + Double(min(name.count, 28)) * 7 + 18
    }
  }

  /// Draws a horizontal axis at `y` with tick labels and vertical grid lines up to `top`.
  mutating func horizontalAxis(
    _ scale: LinearScale, y: Double, top: Double, format: (Double) -> String
  ) {
    for tick in scale.ticks() {
      let x = scale(tick)
      decorate(
        "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(y))\"/>")
      text(format(tick), x: x, y: y + 16, anchor: "middle", className: "tick")
    }
    decorate(
      "<line class=\"axis\" x1=\"\(f(scale.range.lower))\" y1=\"\(f(y))\" "
        + "x2=\"\(f(scale.range.upper))\" y2=\"\(f(y))\"/>")
  }

  /// Renders the `<figure>` that contains the chart and its caption.
  func figure(caption: String) -> String {
    """
    <figure class="chart" id="chart-\(HTML.escape(id))" data-marks="\(marks)">
    <svg xmlns="http://www.w3.org/2000/svg" width="\(f(Self.width))" height="\(f(height))" \
    viewBox="0 0 \(f(Self.width)) \(f(height))" role="img" aria-label="\(HTML.escape(title))">
    <title>\(HTML.escape(title))</title>
    \(body)</svg>
    <figcaption>\(HTML.escape(caption))</figcaption>
    </figure>

    """
  }

  /// Shortens a label to `limit` characters with an ellipsis; the full text goes in the
  /// mark's tooltip.
  static func shortened(_ label: String, limit: Int = 24) -> String {
    label.count <= limit ? label : String(label.prefix(limit - 1)) + "…"
  }
}

/// Formats an SVG coordinate with one decimal.
func f(_ value: Double) -> String {
  String(format: "%.1f", value)
}

/// A linear map from data values to pixels, with ticks at round numbers.
struct LinearScale {
  let domain: (lower: Double, upper: Double)
  let range: (lower: Double, upper: Double)

  /// Creates a scale whose domain covers `values`, widened to round tick values. A domain of
  /// one value is widened around it, so the scale never divides by zero.
  init(covering values: [Double], range: (lower: Double, upper: Double)) {
    let finite = values.filter(\.isFinite)
    var lower = finite.min() ?? 0
    var upper = finite.max() ?? 1
    if lower == upper {
      lower = lower == 0 ? 0 : min(0, lower * 2)
      upper = upper == 0 ? 1 : max(0, upper * 2)
    }
    let step = LinearScale.niceStep((upper - lower) / 5)
    self.domain = ((lower / step).rounded(.down) * step, (upper / step).rounded(.up) * step)
    self.range = range
  }

  func callAsFunction(_ value: Double) -> Double {
    let span = domain.upper - domain.lower
    return range.lower + (value - domain.lower) / span * (range.upper - range.lower)
  }

  /// Tick values at a round step, about five of them.
  func ticks() -> [Double] {
    let step = LinearScale.niceStep((domain.upper - domain.lower) / 5)
    var ticks: [Double] = []
    var index = (domain.lower / step).rounded(.up)
    while index * step <= domain.upper + step * 1e-9 {
      // Multiplying the index, rather than adding steps, avoids accumulating rounding.
      let tick = index * step
      ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
      index += 1
    }
    return ticks
  }

  /// Returns the smallest of 1, 2 and 5 times a power of ten that is at least `rough`.
  static func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let power = pow(10, (log10(rough)).rounded(.down))
    for factor in [1.0, 2, 5, 10] where factor * power >= rough * (1 - 1e-12) {
      return factor * power
    }
    return 10 * power
  }
}
