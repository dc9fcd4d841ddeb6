import Config
import Foundation

/// A class id: it appears in every message about the class, so it is short and plain.
let identifier = ConfigReader<String>.nonEmptyString.converted(
  expecting: "an id of at most 64 letters, digits, '-', '_' and '.'"
) { id in
  id.count <= 64
    && id.unicodeScalars.allSatisfy {
      $0.isASCII && (isAlphanumeric($0) || "-_.".unicodeScalars.contains($0))
    } ? id : nil
}

/// Text shown to customers, without control characters (a line break in a title could
/// split an email subject) and at most `maximumLength` characters long.
func text(maximumLength: Int) -> ConfigReader<String> {
  ConfigReader<String>.nonEmptyString.converted(
    expecting: "text of at most \(maximumLength) characters without control characters"
  ) { text in
    text.count <= maximumLength
      && !text.unicodeScalars.contains { $0.properties.generalCategory == .control } ? text : nil
  }
}

private func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
  ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
}

/// How far a sum of shares or reaches may be from 1 and still count as 1, to allow for
/// rounding in decimal fractions such as 0.1 + 0.2.
let shareSumTolerance = 1e-9

/// Returns a sum for a message with up to 12 significant digits, so rounding noise such as
/// 0.8999999999999999 shows as 0.9.
func formatSum(_ value: Double) -> String {
  String(format: "%.12g", value)
}

/// Reports a key that should name a segment but does not, at the key, with the closest
/// segment name or the list of names.
///
/// - Parameter extraKeys: Other keys the object accepts, such as `default`, for the
///   suggestion and the list.
func reportUnknownSegment(
  _ member: ConfigObject.Member, path: FieldPath, segmentNames: [String],
  extraKeys: [String] = [], diagnostics: Diagnostics
) {
  let candidates = extraKeys + segmentNames
  let fix: String
  if let suggestion = Suggestion.closest(to: member.key, among: candidates) {
    fix = "did you mean \"\(suggestion)\"?"
  } else {
    fix = "use one of: " + candidates.map { "\"\($0)\"" }.joined(separator: ", ")
  }
  diagnostics.report(
    Diagnostic(
      severity: .error, at: member.keyLocation, path: path.appending(key: member.key),
      problem: "unknown segment", found: "\"\(member.key)\"", fix: fix))
}
