import CRandom

/// The Philox4x32-10 block function behind `RandomStream`, exposed for known-answer tests.
enum Philox4x32 {
  /// Returns the 10-round Philox4x32 bijection of `counter` under `key`.
  static func block(
    counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
  ) -> (UInt32, UInt32, UInt32, UInt32) {
    let counterWords = [counter.0, counter.1, counter.2, counter.3]
    let keyWords = [key.0, key.1]
    var output = [UInt32](repeating: 0, count: 4)
    loopsim_philox4x32_10(counterWords, keyWords, &output)
    return (output[0], output[1], output[2], output[3])
  }
}
