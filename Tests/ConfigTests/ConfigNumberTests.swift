import Config
import Testing

struct NumberCase: Sendable, CustomTestStringConvertible {
  var literal: String
  var int64: Int64?
  var uint64: UInt64?
  var double: Double

  var testDescription: String { literal }
}

let numberCases: [NumberCase] = [
  NumberCase(literal: "0", int64: 0, uint64: 0, double: 0),
  NumberCase(literal: "-0", int64: 0, uint64: 0, double: -0.0),
  NumberCase(literal: "42", int64: 42, uint64: 42, double: 42),
  NumberCase(literal: "+7", int64: 7, uint64: 7, double: 7),
  NumberCase(literal: "-7", int64: -7, uint64: nil, double: -7),
  NumberCase(
    literal: "18446744073709551615", int64: nil, uint64: UInt64.max, double: 0x1p64),
  NumberCase(
    literal: "-9223372036854775808", int64: Int64.min, uint64: nil,
    double: -9_223_372_036_854_775_808),
  NumberCase(
    literal: "9223372036854775807", int64: Int64.max, uint64: 9_223_372_036_854_775_807,
    double: 0x1p63),
  NumberCase(
    literal: "9007199254740993", int64: 9_007_199_254_740_993, uint64: 9_007_199_254_740_993,
    double: 9_007_199_254_740_992),
  NumberCase(
    literal: "-9223372036854775809", int64: nil, uint64: nil, double: -0x1p63),
  NumberCase(
    literal: "18446744073709551616", int64: nil, uint64: nil, double: 18_446_744_073_709_551_616),
  NumberCase(literal: "0xFFFFFFFFFFFFFFFF", int64: nil, uint64: UInt64.max, double: 0x1p64),
  NumberCase(
    literal: "-0x8000000000000000", int64: Int64.min, uint64: nil, double: -0x8000_0000_0000_0000),
  NumberCase(literal: "0x1F", int64: 31, uint64: 31, double: 31),
  NumberCase(literal: "5e3", int64: 5000, uint64: 5000, double: 5000),
  NumberCase(literal: "5000.0", int64: 5000, uint64: 5000, double: 5000),
  NumberCase(literal: "0.5e1", int64: 5, uint64: 5, double: 5),
  NumberCase(literal: "100e-2", int64: 1, uint64: 1, double: 1),
  NumberCase(
    literal: "1.8446744073709551615e19", int64: nil, uint64: UInt64.max,
    double: 0x1p64),
  NumberCase(literal: "1e20", int64: nil, uint64: nil, double: 1e20),
  NumberCase(literal: "1.5", int64: nil, uint64: nil, double: 1.5),
  NumberCase(literal: ".5", int64: nil, uint64: nil, double: 0.5),
  NumberCase(literal: "5.", int64: 5, uint64: 5, double: 5),
  NumberCase(literal: "0.1", int64: nil, uint64: nil, double: 0.1),
  NumberCase(literal: "1e-400", int64: nil, uint64: nil, double: 0),
  NumberCase(literal: "0e99999999999", int64: 0, uint64: 0, double: 0),
  NumberCase(literal: "Infinity", int64: nil, uint64: nil, double: .infinity),
  NumberCase(literal: "-Infinity", int64: nil, uint64: nil, double: -.infinity),
]

@Suite("Config numbers")
struct ConfigNumberTests {
  @Test("Exact accessors", arguments: numberCases)
  func exactAccessors(_ testCase: NumberCase) throws {
    let node = try JSON5.parse(testCase.literal, file: "n")
    guard case .number(let number) = node.value else {
      Issue.record("expected a number, found \(Tree(node))")
      return
    }
    #expect(number.literal == testCase.literal)
    #expect(number.int64 == testCase.int64)
    #expect(number.uint64 == testCase.uint64)
    #expect(number.double == testCase.double)
    #expect(number.double.sign == testCase.double.sign)
  }

  @Test func nanHasNoIntegerValue() throws {
    let node = try JSON5.parse("NaN", file: "n")
    guard case .number(let number) = node.value else {
      Issue.record("expected a number")
      return
    }
    #expect(number.double.isNaN)
    #expect(number.int64 == nil)
    #expect(number.uint64 == nil)
  }

  @Test func numbersBuiltInCode() {
    #expect(ConfigNumber(Int64.min).int64 == Int64.min)
    #expect(ConfigNumber(UInt64.max).uint64 == UInt64.max)
    #expect(ConfigNumber(UInt64.max).literal == "18446744073709551615")
    #expect(ConfigNumber(2.0).int64 == 2)
    #expect(ConfigNumber(0.25).literal == "0.25")
    #expect(ConfigNumber(0.25).int64 == nil)
    #expect(ConfigNumber(-Double.infinity).literal == "-Infinity")
    #expect(ConfigNumber(Double.nan).literal == "NaN")
  }
}
