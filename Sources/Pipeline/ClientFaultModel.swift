import Simulation

/// A message on its way from a client to Collect, and when it arrives there.
public struct OutgoingMessage: Sendable {
  public var message: Message
  /// When Collect receives it, by the true clock: when the client sends it, because the
  /// network takes no simulated time.
  public var arrival: SimTime

  public init(message: Message, arrival: SimTime) {
    self.message = message
    self.arrival = arrival
  }
}

/// The state of one customer's client between actions: whether the second device is signed
/// in, and until when the app is offline. The draws made once per customer (the second
/// device, the clock offsets) come again from their keyed streams at each use, so they need
/// no memory here.
public struct ClientState: Sendable {
  /// Whether the customer has signed in on their first device, tracked only for a customer
  /// with a second device, who may sign up on the second device first.
  public var firstDeviceSignedIn = false
  /// Whether the customer has signed in on their second device.
  public var secondDeviceSignedIn = false
  /// The end of the app's current offline period, or nil when the app is online.
  public var offlineUntil: SimTime?

  public init() {}
}

/// Applies the tracking libraries' faults and their devices' clocks and connections to
/// outgoing messages.
///
/// Each decision draws from a keyed stream of its own purpose:
///
/// - `client.faults` at (customer, messageId counter): a front-end message loses its
///   identity fields with `invalidRate`, then any message is sent twice with
///   `duplicateRate`.
/// - `client.duplicate-delay` at the same key: the time from the first copy to the second.
/// - `client.second-device` at (customer, 0): whether the customer has a second device.
/// - `client.clock-skew` at (customer, device index): the device clock's offset.
/// - `client.offline` at (customer, counter of the action's first app message): whether an
///   app action finds the device offline, and for how long.
///
/// A device with a clock offset stamps `timestamp` and `sentAt` with it; back-end messages
/// use the server's clock, which is right. Messages held on an offline app keep their
/// timestamps and are sent together when it comes back online.
public struct ClientFaultModel: Sendable {
  public let faults: ClientFaults
  private let purposes: Purposes

  struct Purposes: Sendable {
    let faults, duplicateDelay, secondDevice, clockSkew, offline: RandomPurpose

    init(_ streams: RandomStreams) throws {
      faults = try streams.purpose("client.faults")
      duplicateDelay = try streams.purpose("client.duplicate-delay")
      secondDevice = try streams.purpose("client.second-device")
      clockSkew = try streams.purpose("client.clock-skew")
      offline = try streams.purpose("client.offline")
    }
  }

  public init(faults: ClientFaults, streams: RandomStreams) throws {
    self.faults = faults
    self.purposes = try Purposes(streams)
  }

  /// Returns whether `customer` has a second device.
  public func hasSecondDevice(_ customer: UInt64) -> Bool {
    guard faults.secondDeviceRate > 0 else { return false }
    var stream = purposes.secondDevice.stream(customer: customer)
    return stream.bernoulli(faults.secondDeviceRate)
  }

  /// Returns the clock offset of the customer's device `index` in milliseconds: negative
  /// when the clock runs behind.
  public func clockOffset(customer: UInt64, device index: Int) -> Int64 {
    guard faults.clockSkew != .none else { return 0 }
    var stream = purposes.clockSkew.stream(customer: customer, occurrence: UInt32(index))
    let size = faults.clockSkew.offset.sample(&stream).milliseconds
    guard size > 0 else { return 0 }
    return stream.bernoulli(faults.clockSkew.behindShare) ? -size : size
  }

  /// Sends the messages of one action recorded at `time` on `device`: applies the faults,
  /// the device's clock and its connection, and returns each copy with its arrival at
  /// Collect, in sending order.
  public func send(
    _ messages: [Message], recordedAt time: SimTime, on device: Device,
    state: inout ClientState
  ) -> [OutgoingMessage] {
    let offset =
      messages.first(where: { $0.source == .frontEnd }).map {
        clockOffset(customer: $0.customer, device: device.index)
      } ?? 0
    var heldUntil: SimTime?
    var sent: [OutgoingMessage] = []
    for original in messages {
      var message = original
      var duplicated = false
      if faults.duplicateRate > 0 || faults.invalidRate > 0 {
        var stream = purposes.faults.stream(
          customer: message.customer, occurrence: message.messageId?.counter ?? 0)
        if message.source == .frontEnd, stream.bernoulli(faults.invalidRate) {
          message.userId = nil
          message.anonymousId = nil
          message.previousId = nil
        }
        duplicated = stream.bernoulli(faults.duplicateRate)
      }

      var arrival = time
      let deviceClock = message.source == .frontEnd ? offset : 0
      if message.source == .frontEnd {
        message.timestamp = message.timestamp + SimDuration(milliseconds: deviceClock)
        if device.platform == .app {
          if heldUntil == nil {
            heldUntil = offlineEnd(for: message, at: time, state: &state)
          }
          arrival = max(arrival, heldUntil ?? arrival)
        }
      }
      message.sentAt = arrival + SimDuration(milliseconds: deviceClock)
      sent.append(OutgoingMessage(message: message, arrival: arrival))

      if duplicated {
        var copy = message
        var stream = purposes.duplicateDelay.stream(
          customer: message.customer, occurrence: message.messageId?.counter ?? 0)
        let resent = arrival + faults.duplicateDelay.sample(&stream)
        copy.sentAt = resent + SimDuration(milliseconds: deviceClock)
        copy.isResend = true
        sent.append(OutgoingMessage(message: copy, arrival: resent))
      }
    }
    return sent
  }

  /// Returns when the app sends `message`, the first app message of an action at `time`:
  /// the end of the current offline period, or of a new one that this action starts, or
  /// `time` when the app is online.
  private func offlineEnd(
    for message: Message, at time: SimTime, state: inout ClientState
  ) -> SimTime {
    if let until = state.offlineUntil, time < until {
      return until
    }
    state.offlineUntil = nil
    guard faults.offlineRate > 0 else { return time }
    var stream = purposes.offline.stream(
      customer: message.customer, occurrence: message.messageId?.counter ?? 0)
    guard stream.bernoulli(faults.offlineRate) else { return time }
    let until = time + faults.offlineDelay.sample(&stream)
    state.offlineUntil = until
    return until
  }
}
