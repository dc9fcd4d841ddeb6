// The Config module reads LoopSim's JSON5 scenario files and checks them.
//
// - `JSON5` parses text into a `ConfigNode` tree in which every value keeps its
//   `SourceLocation`, so later errors can name a file, line and column.
// - `FieldPath` addresses a value (`workflows[0].steps[0].wait`); `ConfigOverride`, `setting(_:to:)`
//   and `merged(with:)` implement `--set` and `extends`.
// - `canonicalJSON()` renders a tree deterministically for `loopsim resolve` and the
//   scenario hash.
// - `ConfigReader`, `ObjectReader` and `Diagnostics` let each stage read its own section and
//   report every problem in one pass.
