import Foundation
import Simulation

// The hold model: fill a calendar with n pending events, then repeatedly pop the earliest
// event and schedule one new event an exponential increment later, so n stays constant.
// The plain heap, `EventCalendar` and `EventQueue` (the calendar without cancellation) see
// the same increments. Times are the thread's CPU time. Prints one JSON
// object per line and size.
//
// Usage: calendar-bench [--sizes 1000,100000,1000000] [--holds H] [--repeats R]

/// SplitMix64: a small deterministic generator for the increments, the same for every
/// calendar, so none pays for random numbers that another does not.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Draws an exponential increment with mean 1,000,000 ms, rounded to whole milliseconds.
  mutating func increment() -> Int64 {
    let uniform = (Double(next() >> 11) + 1) * 0x1.0p-53
    return Int64((-log(uniform) * 1_000_000).rounded())
  }
}

/// Pre-draws the increments, so the timed loop does only calendar work.
func increments(count: Int, seed: UInt64) -> [Int64] {
  var generator = SplitMix64(state: seed)
  return (0..<count).map { _ in generator.increment() }
}

/// Returns the CPU time of the calling thread in seconds. CPU time rather than wall time,
/// so that other processes on a busy machine inflate the figures less.
func threadCPUSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Returns the thread CPU seconds that `body` takes.
func measureCPU(_ body: () -> Void) -> Double {
  let start = threadCPUSeconds()
  body()
  return threadCPUSeconds() - start
}

/// Returns the seconds for `holds` holds on the plain heap, and a checksum of the payloads.
func holdHeap(size: Int, holds: Int, steps: [Int64]) -> (Double, UInt64) {
  var heap = BinaryHeap()
  for index in 0..<size { heap.push(UInt64(index), at: steps[index]) }
  var checksum: UInt64 = 0
  let elapsed = measureCPU {
    for hold in 0..<holds {
      let entry = heap.popMin()!
      checksum &+= entry.payload
      heap.push(entry.payload, at: entry.time + steps[size + hold])
    }
  }
  return (elapsed, checksum)
}

/// Returns the seconds for `holds` holds on `EventCalendar`, and a checksum of the payloads.
func holdCalendar(size: Int, holds: Int, steps: [Int64]) -> (Double, UInt64) {
  var calendar = EventCalendar<UInt64>()
  for index in 0..<size {
    calendar.schedule(UInt64(index), at: SimTime(milliseconds: steps[index]))
  }
  var checksum: UInt64 = 0
  let elapsed = measureCPU {
    for hold in 0..<holds {
      let (time, payload) = calendar.popNext()!
      checksum &+= payload
      calendar.schedule(payload, at: time + SimDuration(milliseconds: steps[size + hold]))
    }
  }
  return (elapsed, checksum)
}

/// Returns the seconds for `holds` holds on `EventQueue`, and a checksum of the payloads.
func holdQueue(size: Int, holds: Int, steps: [Int64]) -> (Double, UInt64) {
  var queue = EventQueue<UInt64>(minimumCapacity: size)
  for index in 0..<size {
    queue.schedule(UInt64(index), at: SimTime(milliseconds: steps[index]))
  }
  var checksum: UInt64 = 0
  let elapsed = measureCPU {
    for hold in 0..<holds {
      let (time, payload) = queue.popNext()!
      checksum &+= payload
      queue.schedule(payload, at: time + SimDuration(milliseconds: steps[size + hold]))
    }
  }
  return (elapsed, checksum)
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("calendar-bench: \(message)\n".utf8))
  exit(2)
}

let usage = "usage: calendar-bench [--sizes N,N,...] [--holds H] [--repeats R]"
/// The maximum of pending events and of holds. 10^8 entries of the largest calendar take a
/// few GiB, more than a benchmark on this machine should use.
let maxCount = 100_000_000

/// Reads the options. Each may be given once, with a value, and any other argument is an
/// error.
func options() -> [String: String] {
  var values: [String: String] = [:]
  var arguments = CommandLine.arguments.dropFirst()[...]
  while let name = arguments.popFirst() {
    if name == "--help" || name == "-h" {
      print(usage)
      exit(0)
    }
    guard ["--sizes", "--holds", "--repeats"].contains(name) else {
      fail("unknown argument '\(name)'. Fix: use only --sizes, --holds and --repeats. \(usage)")
    }
    guard values[name] == nil else { fail("\(name) is given twice. Fix: give it once.") }
    guard let value = arguments.popFirst() else {
      fail("\(name) needs a value. \(usage)")
    }
    values[name] = value
  }
  return values
}

/// Reads a whole number from 1 to `maxCount` for `name`.
func count(_ text: String, for name: String) -> Int {
  guard let value = Int(text), value >= 1, value <= maxCount else {
    fail("invalid value '\(text)' for \(name). Fix: give a whole number from 1 to \(maxCount).")
  }
  return value
}

let optionValues = options()
let sizeText = optionValues["--sizes"] ?? "1000,100000,1000000"
let sizes = sizeText.split(separator: ",", omittingEmptySubsequences: false).map {
  count(String($0), for: "--sizes")
}
let holds = count(optionValues["--holds"] ?? "2000000", for: "--holds")
let repeats = count(optionValues["--repeats"] ?? "5", for: "--repeats")
guard sizes.allSatisfy({ $0 + holds <= maxCount }) else {
  fail("--sizes plus --holds is above \(maxCount) increments. Fix: use smaller values.")
}

for size in sizes {
  let steps = increments(count: size + holds, seed: UInt64(size))
  var heapTimes: [Double] = []
  var calendarTimes: [Double] = []
  var queueTimes: [Double] = []
  for _ in 0..<repeats {
    let (heapSeconds, heapSum) = holdHeap(size: size, holds: holds, steps: steps)
    let (calendarSeconds, calendarSum) = holdCalendar(size: size, holds: holds, steps: steps)
    let (queueSeconds, queueSum) = holdQueue(size: size, holds: holds, steps: steps)
    guard heapSum == calendarSum, heapSum == queueSum else {
      fail("the calendars popped different events at size \(size)")
    }
    heapTimes.append(heapSeconds)
    calendarTimes.append(calendarSeconds)
    queueTimes.append(queueSeconds)
  }
  let nanoseconds = { (times: [Double]) in times.map { $0 / Double(holds) * 1e9 } }
  let heapNs = nanoseconds(heapTimes)
  let calendarNs = nanoseconds(calendarTimes)
  let queueNs = nanoseconds(queueTimes)
  let record: [String: Any] = [
    "pending": size, "holds": holds, "repeats": repeats,
    "heapNsPerHold": heapNs, "calendarNsPerHold": calendarNs, "queueNsPerHold": queueNs,
    "heapMedianNs": median(heapNs), "calendarMedianNs": median(calendarNs),
    "queueMedianNs": median(queueNs),
    "ratio": median(calendarNs) / median(heapNs), "queueRatio": median(queueNs) / median(heapNs),
  ]
  let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}
