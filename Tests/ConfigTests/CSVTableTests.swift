import Config
import Foundation
import Testing

@Test(arguments: [
  ("a,b\n1,2\n3,4\n", [["1", "2"], ["3", "4"]]),
  ("a,b\r\n1,2\r\n3,4\r\n", [["1", "2"], ["3", "4"]]),
  ("a,b\r1,2\r3,4", [["1", "2"], ["3", "4"]]),
  ("\u{FEFF}a,b\n1,2", [["1", "2"]]),
  ("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", [["x, y", "say \"hi\""]]),
  ("a,b\n\"two\nlines\",2\n", [["two\nlines", "2"]]),
  ("a,b\n,\n", [["", ""]]),
  ("a,b\n\"\",x\n", [["", "x"]]),
  ("a\n1\n\n", [["1"]]),
])
func csvParsesRecords(text: String, expected: [[String]]) throws {
  let table = try CSVTable(parsing: text, file: "t.csv")
  #expect(table.header.first == "a")
  #expect(table.rows == expected)
}

@Test func csvRecordsKnowTheirLines() throws {
  let table = try CSVTable(parsing: "a,b\n\"multi\nline\",1\n2,3\r\n4,5", file: "t.csv")
  #expect(table.lines == [2, 4, 5])
}

@Test(arguments: [
  ("", 1, "the file is empty"),
  ("a,b\n1,2\n\"open,3\n4,5\n", 3, "a quoted field is never closed"),
  ("a,b\n1,2\n3\n", 3, "1 fields where the header has 2"),
  ("a,b\n1,2,3\n", 2, "3 fields where the header has 2"),
  ("a,b\n1,x\"y\"\n", 2, "a double quote inside a field"),
  ("a,b\n1,\"x\"y\n", 2, "text after the closing quote"),
])
func csvRejectsMalformedInput(text: String, line: Int, fragment: String) {
  do {
    _ = try CSVTable(parsing: text, file: "bad.csv")
    Issue.record("accepted: \(text)")
  } catch {
    #expect(error.line == line)
    #expect(error.description.contains(fragment), "\(error.description)")
    #expect(error.description.hasPrefix("bad.csv:\(line): error:"))
    #expect(error.description.contains("Fix:"))
  }
}

@Test func csvNumbersNameTheBadLine() throws {
  let table = try CSVTable(parsing: "x,y\n1,2\n3,abc\n", file: "n.csv")
  #expect(try table.numbers(column: 0) == [1, 3])
  do {
    _ = try table.numbers(column: 1)
    Issue.record("accepted a non-number")
  } catch {
    #expect(error.line == 3)
    #expect(error.description.contains("\"abc\""))
  }
}

@Test func csvColumnSuggestsClosest() throws {
  let table = try CSVTable(parsing: "visit,conversion,spend\n1,0,0\n", file: "h.csv")
  #expect(try table.column("spend", option: "--outcome") == 2)
  do {
    _ = try table.column("convresion", option: "--outcome")
    Issue.record("accepted an unknown column")
  } catch {
    #expect(error.description.contains("did you mean \"conversion\"?"))
  }
}

/// The public e-mail campaign data: CRLF line ends, 64,000 rows, 12 columns.
@Test func csvReadsHillstromData() throws {
  let url = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/data/hillstrom.csv").standardizedFileURL
  let text = try String(contentsOf: url, encoding: .utf8)
  let table = try CSVTable(parsing: text, file: url.path)
  #expect(table.rows.count == 64_000)
  #expect(table.header.count == 12)
  #expect(table.header.last == "spend")
  let segment = try table.column("segment", option: "--arm")
  #expect(Set(table.rows.map { $0[segment] }) == ["Mens E-Mail", "Womens E-Mail", "No E-Mail"])
}
