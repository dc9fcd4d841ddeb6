import Customers
import Simulation

/// The tracking libraries on the customer's devices and the backend: builds the messages of
/// each action with the `Tracker`, on the device the action happens on, and sends them
/// through the `ClientFaultModel`.
///
/// A customer with a second device (see `Device`) returns to the site on it. Before the
/// first action there that needs a signed-in customer (a sign-in, a cart or a checkout),
/// the customer signs in. The client then sends an `alias` whose `previousId` is the
/// device's anonymous id and whose `userId` is the user's, and then the `identify` of the
/// sign-in. The alias comes first, so the device's anonymous history joins the user before
/// any signed-in activity arrives.
public struct TrackingClient: Sendable {
  public let tracker: Tracker
  public let faults: ClientFaultModel

  public init(tracker: Tracker, faults: ClientFaultModel) {
    self.tracker = tracker
    self.faults = faults
  }

  /// Returns the messages of `action` with their arrivals at Collect, numbered from
  /// `counter`, which it advances.
  public func send(
    _ action: CustomerAction, state: inout ClientState, counter: inout UInt32
  ) -> [OutgoingMessage] {
    var device = device(for: action, state: state)
    var messages: [Message] = []
    if device.index == 0, case .identified = action.kind {
      state.firstDeviceSignedIn = true
    }
    if device.index == 1, !device.signedIn, action.kind.needsSignIn {
      let isSignIn = if case .identified = action.kind { true } else { false }
      messages += tracker.signIn(
        for: action, on: device, identifies: !isSignIn, counter: &counter)
      state.secondDeviceSignedIn = true
      device.signedIn = true
    }
    messages += tracker.messages(for: action, on: device, counter: &counter)
    return faults.send(messages, recordedAt: action.time, on: device, state: &state)
  }

  /// Returns the device `action` happens on: the second device for a customer who has one
  /// and returns to the site, else the first. A customer with a second device is signed in
  /// on each device only after signing in there.
  public func device(for action: CustomerAction, state: ClientState) -> Device {
    guard faults.hasSecondDevice(action.customer) else { return .first(for: action) }
    guard action.session == .returning else {
      var first = Device.first(for: action)
      first.signedIn = action.signedIn && state.firstDeviceSignedIn
      return first
    }
    return .second(customer: action.customer, signedIn: state.secondDeviceSignedIn)
  }
}

extension CustomerAction.Kind {
  /// Whether the action needs a signed-in customer: a sign-in, adding to the cart, or a
  /// checkout.
  var needsSignIn: Bool {
    switch self {
    case .identified, .productAdded, .checkoutStarted: true
    case .trailerWatched, .classViewed, .orderCompleted, .orderRefunded,
      .passwordResetRequested:
      false
    }
  }
}
