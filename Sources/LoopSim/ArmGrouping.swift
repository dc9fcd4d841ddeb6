import Config

/// The rows of an experiment export grouped by the value of its arm column: the arms in
/// sorted order, each arm's row indices in file order, and which arm is the control.
struct ArmGrouping: Sendable {
  let file: String
  /// The arm column's name.
  let column: String
  /// The distinct values of the arm column, sorted.
  let values: [String]
  /// The indices into `CSVTable.rows` of each arm's rows, parallel to `values`.
  let rowIndices: [[Int]]
  /// The index of the control arm in `values`.
  let controlIndex: Int

  /// Groups the rows of `table` by the value in column `column`.
  ///
  /// - Throws: `CSVLiftError` when a row's arm is empty, when the column has more than
  ///   `CSVLift.maximumArmCount` values, when `control` is not one of them, or when it is
  ///   the only one.
  init(table: CSVTable, column: Int, control: String) throws {
    let name = table.header[column]
    var indexByValue: [String: Int] = [:]
    var rowIndices: [[Int]] = []
    var unsortedValues: [String] = []
    for (rowIndex, row) in table.rows.enumerated() {
      let value = row[column]
      if let armIndex = indexByValue[value] {
        rowIndices[armIndex].append(rowIndex)
        continue
      }
      guard !value.isEmpty else {
        throw CSVLiftError(
          file: table.file, line: table.lines[rowIndex],
          problem: "column \"\(name)\" is empty, so the row has no arm",
          fix: "give every row its arm, or remove the rows that have none")
      }
      guard unsortedValues.count < CSVLift.maximumArmCount else {
        throw CSVLiftError(
          file: table.file, line: table.lines[rowIndex],
          problem: "column \"\(name)\" has more than \(CSVLift.maximumArmCount) distinct "
            + "values, too many for an arm column",
          fix: "name the column that holds each row's arm with --arm")
      }
      indexByValue[value] = unsortedValues.count
      unsortedValues.append(value)
      rowIndices.append([rowIndex])
    }

    let order = unsortedValues.indices.sorted { unsortedValues[$0] < unsortedValues[$1] }
    self.file = table.file
    self.column = name
    self.values = order.map { unsortedValues[$0] }
    self.rowIndices = order.map { rowIndices[$0] }

    guard let controlIndex = values.firstIndex(of: control) else {
      throw CSVLiftError(
        file: table.file, line: nil,
        problem: "--control \"\(control)\" does not occur in column \"\(name)\"",
        fix: Self.valuesFix(near: control, values: values, rowIndices: self.rowIndices))
    }
    self.controlIndex = controlIndex
    guard values.count >= 2 else {
      throw CSVLiftError(
        file: table.file, line: nil,
        problem: "column \"\(name)\" has one value, \"\(control)\", so there is no treatment "
          + "arm to compare with the control",
        fix: "export the rows of the treatment arms too, or name the column that holds each "
          + "row's arm with --arm")
    }
  }

  /// The indices of the treatment arms in `values`.
  var treatmentIndices: [Int] { values.indices.filter { $0 != controlIndex } }

  /// Returns the index of an arm value, or nil when no row has it.
  func index(of value: String) -> Int? {
    values.firstIndex(of: value)
  }

  /// Returns a fix for a value that is not an arm: the closest arm value when one is close,
  /// and the values present with their row counts.
  func valuesFix(near value: String) -> String {
    Self.valuesFix(near: value, values: values, rowIndices: rowIndices)
  }

  private static func valuesFix(near value: String, values: [String], rowIndices: [[Int]])
    -> String
  {
    let maximumListed = 20
    var listed = values.indices.prefix(maximumListed).map {
      "\"\(values[$0])\" (\(rowIndices[$0].count) rows)"
    }
    .joined(separator: ", ")
    if values.count > maximumListed {
      listed += " and \(values.count - maximumListed) more"
    }
    if let suggestion = Suggestion.closest(to: value, among: values) {
      return "did you mean \"\(suggestion)\"? The values present are: \(listed)"
    }
    return "use one of the values present: \(listed)"
  }
}
