import Customers

/// The device a customer's front-end messages come from: the website in a browser, or the
/// mobile app.
///
/// A customer has a first device, the app or the website by `CustomerAction.usesApp`. With
/// `pipeline.client.secondDeviceRate`, a customer also has a second device, a web browser
/// with its own anonymous id, on which every later return to the site happens
/// (`CustomerAction.Session.returning`). Each device is signed in on its own: a customer
/// signed in on the first device is anonymous on the second until they sign in there.
public struct Device: Sendable, Equatable {
  public enum Platform: String, Sendable {
    case web, app
  }

  /// 0 for the first device, 1 for the second.
  public var index: Int
  public var platform: Platform
  public var anonymousId: String
  /// Whether the customer is signed in on this device, so its messages carry the user id.
  public var signedIn: Bool

  public init(index: Int, platform: Platform, anonymousId: String, signedIn: Bool) {
    self.index = index
    self.platform = platform
    self.anonymousId = anonymousId
    self.signedIn = signedIn
  }

  /// Returns the first device of the customer who did `action`, signed in when the action
  /// is.
  public static func first(for action: CustomerAction) -> Device {
    Device(
      index: 0, platform: action.usesApp ? .app : .web,
      anonymousId: CustomerIdentity.anonymousId(action.customer), signedIn: action.signedIn)
  }

  /// Returns the second device of `customer`: a web browser with its own anonymous id.
  public static func second(customer: UInt64, signedIn: Bool) -> Device {
    Device(
      index: 1, platform: .web, anonymousId: CustomerIdentity.anonymousId(customer, device: 1),
      signedIn: signedIn)
  }
}
