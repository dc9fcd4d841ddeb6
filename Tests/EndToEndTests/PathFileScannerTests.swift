import Config
import Foundation
import Measure
import Testing

@testable import LoopSim

/// The byte scanner of path files against the general reader (`CSVTable`, then the path
/// rows): on every file it reads, it must give the same paths, and it must hand every other
/// file to the general reader.
struct PathFileScannerTests {
  static let header = "path,total_conversions,total_conversion_value,total_null"

  /// Files that the scanner reads, by name.
  static let readable: [(String, String)] = [
    ("sums repeated paths", header + "\na>b,1,49,0\nb,0,0,2\na>b,2,98.5,1\nb>a,0,0,1\n"),
    ("empty and blank paths", header + "\n,1,10,0\n  ,2,5,1\nx,1,1,0\n\t,0,0,3\n"),
    (
      "CRLF, BOM and blank lines",
      "\u{FEFF}path,total_conversions\r\n a > b ,1\r\n\r\nb\t>\ta, 2 \r\n"
    ),
    ("CR line breaks", "path,total_conversions\ra>b,1\rb,0\r"),
    ("no final line break", header + "\nemail>search,3,30,0\nsearch,0,0,7"),
    ("columns in another order", "id,total_null,path,total_conversions\n1,3,x>y,0\n2,0,y,1\n"),
    ("names with spaces", header + "\npaid search > e mail,1,2,0\ne mail,0,0,1\n"),
    ("repeated channels", header + "\na>a>b>a,1,1,0\na,0,0,1\n"),
    (
      "number formats",
      "path,total_conversions,total_conversion_value\n"
        + "a,1e2,0.1\nb,007,0.30000000000000004\nc,1.,.5\nd,-0,0\n"
        + "e,12345678901234567890,9007199254740993\nf,1,1.23456789012345678901234\n"
        + "g,0.000000000000000000000001,3.14159\nh,+2,1E-3\n"
    ),
    ("many channels", header + "\n" + (0..<300).map { "c\($0)>c\(($0 * 7) % 300),1,1,1" }
      .joined(separator: "\n")),
    (
      // Rows of one path in several spellings must be summed in the order of the rows.
      "spellings of one path",
      header + "\na>b,0.1,0.7,0.3\na > b,0.2,0.11,0.5\n a>b,0.3,0.13,0.7\na>b,0.7,1.1,0.1\n"
        + ",1.5,0.3,0\n  ,0.25,0.1,0.2\n,0.1,0.2,0.3\na  >  b ,0.9,0.01,0.1\nb,0.1,0,0\n"
        + "paid search>e mail,1.1,2.2,3.3\npaid search > e mail,0.3,0.3,0.3\nb ,0.2,0,0\n"
        + "paid search>e mail,0.7,0.1,0.9\n"
    ),
    (
      "fields around eight bytes",
      header + "\n" + ["abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmno", "abcdefghijklmnop",
        "abcdefghijklmnopq", "abcdefgh>abcdefgh", "abcdefg>abcdefghi", "abcdefgh"]
        .enumerated().map { "\($1),\($0 % 3),\($0 % 3 * 2),1" }.joined(separator: "\n")
        + "\nabcdefghijklmnopq>abcdefghijklmnopqrstuvw,1,1,1"
    ),
    (
      "more rows than a batch",
      header + "\n" + (0..<200).map { index in
        let path = (0...(index % 4)).map { "ch\(($0 * 5 + index) % 6)" }.joined(separator: ">")
        return (index % 17 == 0 ? "\n" : "") + "\(path),\(index % 2),\(index % 2 * 9),\(index % 3)"
      }.joined(separator: "\n") + "\n"
    ),
  ]

  /// Files that the scanner leaves to the general reader, by name.
  static let rejected: [(String, String)] = [
    ("quoted field", header + "\n\"a>b\",1,0,0\n"),
    ("non-ASCII name", header + "\ncafé,1,0,0\n"),
    ("non-ASCII name after eight bytes", header + "\nabcdefghijk>café,1,0,0\n"),
    ("quote after eight bytes", header + "\nabcdefghijk\"l,1,0,0\n"),
    ("empty name in a later batch", header + String(repeating: "\na>b,1,0,0", count: 40)
      + "\na> >b,1,0,0\n"),
    ("no-break space", header + "\na\u{00A0}>b,1,0,0\n"),
    ("negative count", header + "\na,-1,0,0\n"),
    ("empty name", header + "\na>>b,1,0,0\n"),
    ("value without conversions", header + "\na,0,5,1\n"),
    ("missing field", header + "\na,1,0\n"),
    ("extra field", header + "\na,1,0,0,9\n"),
    ("header only", header + "\n"),
    ("no conversions column", "path,total_null\na,1\n"),
    ("event format", "user,timestamp,channel,conversion\nu,1,a,0\n"),
    ("text count", header + "\na,one,0,0\n"),
    ("blank count", header + "\na, ,0,0\n"),
    ("count with inner space", header + "\na,1 2,0,0\n"),
    ("infinite count", header + "\na,inf,0,0\n"),
    ("sum overflows", header + "\na,1,1e308,0\na,1,1e308,0\n"),
  ]

  static func scan(_ text: String) -> PathFileScan? {
    Data(text.utf8).withUnsafeBytes { PathFileScanner.scan($0) }
  }

  @Test(arguments: readable)
  func scannerMatchesGeneralReader(name: String, text: String) throws {
    let scan = try #require(Self.scan(text), "\(name): the scanner left the file")
    let scanned = try ConversionPaths(names: scan.names, flatPaths: scan.paths)
    let general = try AttributionInput(table: CSVTable(parsing: text, file: "t.csv"))

    #expect(scan.rowCount == general.rowCount)
    #expect(scanned.channels == general.paths.channels)
    #expect(scanned.paths.count == general.paths.paths.count)
    for (ours, theirs) in zip(scanned.paths, general.paths.paths) {
      #expect(ours.channels == theirs.channels)
      #expect(ours.conversions.bitPattern == theirs.conversions.bitPattern)
      #expect(ours.value.bitPattern == theirs.value.bitPattern)
      #expect(ours.nulls.bitPattern == theirs.nulls.bitPattern)
    }
    #expect(scanned.attributableConversions == general.paths.attributableConversions)
    #expect(scanned.unattributedConversions == general.paths.unattributedConversions)
    #expect(scanned.emptyPathCount == general.paths.emptyPathCount)
  }

  @Test(arguments: rejected)
  func scannerLeavesOtherFiles(name: String, text: String) {
    #expect(Self.scan(text) == nil, "\(name)")
  }

  /// A file read from disk goes through the scanner and gives the same report as the same
  /// rows with a quoted field, which the general reader reads.
  @Test func fileReportsMatch() throws {
    let rows = (0..<500).map { index in
      let channels = (0...(index % 5)).map { "c\(($0 * 3 + index) % 7)" }.joined(separator: ">")
      return "\(channels),\(index % 3),\(index % 3 * 10),\(index % 2)"
    }
    let plain = Self.header + "\n" + rows.joined(separator: "\n") + "\n"
    let firstRow = rows[0].split(separator: ",", maxSplits: 1)
    let quotedRow = "\"\(firstRow[0])\",\(firstRow[1])"
    let quoted =
      Self.header + "\n" + ([quotedRow] + rows.dropFirst()).joined(separator: "\n") + "\n"
    #expect(Self.scan(plain) != nil)
    #expect(Self.scan(quoted) == nil)

    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("loopsim-scanner-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let plainFile = directory.appendingPathComponent("plain.csv")
    let quotedFile = directory.appendingPathComponent("quoted.csv")
    try Data(plain.utf8).write(to: plainFile)
    try Data(quoted.utf8).write(to: quotedFile)

    let request = AttributionRequest(models: [.first, .linear, .markov], order: 2)
    let fast = try AttributionReport(
      input: AttributionInput(contentsOfFile: plainFile.path), request: request)
    let general = try AttributionReport(
      input: AttributionInput(contentsOfFile: quotedFile.path), request: request)
    #expect(fast.input.rowCount == 500)
    #expect(fast.input.pathCount == general.input.pathCount)
    #expect(fast.attributions.count == 3)
    for (ours, theirs) in zip(fast.attributions, general.attributions) {
      #expect(ours.channels == theirs.channels)
      #expect(ours.conversionCredits == theirs.conversionCredits, "\(ours.model)")
      #expect(ours.valueCredits == theirs.valueCredits, "\(ours.model)")
      #expect(ours.markov == theirs.markov, "\(ours.model)")
    }
  }
}
