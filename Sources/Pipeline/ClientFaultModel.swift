import Simulation

/// Applies the tracking libraries' faults to outgoing messages: a duplicate sent by a
/// retried request, or a front-end message that lost its identity fields.
///
/// Each message draws from the stream keyed by its own customer and message counter.
public struct ClientFaultModel: Sendable {
  public let faults: ClientFaults
  private let purpose: RandomPurpose

  public init(faults: ClientFaults, streams: RandomStreams) throws {
    self.faults = faults
    self.purpose = try streams.purpose("client.faults")
  }

  /// Returns what the client actually sends for `message`: the message itself, possibly
  /// damaged, followed by a duplicate when the request was retried.
  public func send(_ message: Message) -> [Message] {
    guard faults.duplicateRate > 0 || faults.invalidRate > 0 else { return [message] }
    var stream = purpose.stream(
      customer: message.customer, occurrence: message.messageId?.counter ?? 0)
    var sent = message
    if message.source == .frontEnd, stream.bernoulli(faults.invalidRate) {
      sent.userId = nil
      sent.anonymousId = nil
    }
    if stream.bernoulli(faults.duplicateRate) {
      return [sent, sent]
    }
    return [sent]
  }
}
