/// A position in a configuration source: a file, a `--set` argument, or text built in code.
///
/// Lines and columns are 1-based. A column counts Unicode scalars from the start of the line,
/// so a tab, an `é` and an emoji each count as one column. The byte offset counts UTF-8 bytes
/// from the first byte of the input, a leading byte order mark included.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The name shown in messages: a file path, or a label such as `--set run.customers`.
  public var file: String
  public var line: Int
  public var column: Int
  public var offset: Int

  public init(file: String, line: Int, column: Int, offset: Int) {
    self.file = file
    self.line = line
    self.column = column
    self.offset = offset
  }

  /// The location as `FILE:LINE:COLUMN`, the form compilers and editors recognize.
  public var description: String {
    "\(file):\(line):\(column)"
  }
}
