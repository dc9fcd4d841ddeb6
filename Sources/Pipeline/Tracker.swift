import Customers
import Simulation

/// The tracking code of the website, app and backend: turns what a customer did into
/// Segment messages, as analytics.js, the mobile libraries and a server-side library would.
///
/// Front-end messages carry the device's anonymous id, plus the user id once the customer
/// has signed in on that device. They also carry `context.timezone` when the action has a
/// time zone. The app sends a `screen` call where the website sends a `page` call, and
/// adds `context.app` and `context.device`. Back-end messages carry the user id only.
/// Event names and properties follow the Segment Spec's e-commerce and video events.
///
/// Times are true simulated times here; `ClientFaultModel` applies device clocks and
/// offline delays.
public struct Tracker: Sendable {
  public let catalog: Catalog
  public let channels: [Channel]

  public init(catalog: Catalog, channels: [Channel]) {
    self.catalog = catalog
    self.channels = channels
  }

  /// Builds the messages for `action` on the customer's first device, numbering them from
  /// `counter`, which it advances.
  public func messages(for action: CustomerAction, counter: inout UInt32) -> [Message] {
    messages(for: action, on: .first(for: action), counter: &counter)
  }

  /// Builds the messages for `action` with front-end messages from `device`, numbering them
  /// from `counter`, which it advances.
  public func messages(
    for action: CustomerAction, on device: Device, counter: inout UInt32
  ) -> [Message] {
    let customer = action.customer
    let time = action.time

    func frontEnd(
      _ type: MessageType, event: String? = nil, name: String? = nil,
      properties: Properties = Properties(), campaign: Campaign? = nil
    ) -> Message {
      var message = frontEndMessage(
        type, customer: customer, time: time, device: device, timeZone: action.timeZone,
        counter: &counter)
      message.event = event
      message.name = name
      message.properties = properties
      message.context.campaign = campaign
      return message
    }

    func view(
      _ name: String, path: String, title: String, campaign: Campaign?
    ) -> Message {
      // A screen has no URL, so the app sends the title alone.
      switch device.platform {
      case .web:
        return frontEnd(
          .page, name: name,
          properties: Properties([("path", .string(path)), ("title", .string(title))]),
          campaign: campaign)
      case .app:
        return frontEnd(
          .screen, name: name, properties: Properties([("title", .string(title))]),
          campaign: campaign)
      }
    }

    func backEnd(_ event: String, properties: Properties = Properties()) -> Message {
      let message = Message(
        type: .track, messageId: MessageID(customer: customer, counter: counter),
        userId: CustomerIdentity.userId(customer), timestamp: time, event: event,
        properties: properties, source: .backEnd, customer: customer)
      counter &+= 1
      return message
    }

    switch action.kind {
    case .trailerWatched(let channelIndex, let classIndex):
      let item = catalog.classes[classIndex]
      let campaign = self.campaign(channel: channelIndex, classIndex: classIndex)
      return [
        view(
          "Trailer", path: "/classes/\(item.id)/trailer", title: "\(item.title) trailer",
          campaign: campaign),
        frontEnd(
          .track, event: "Video Playback Started",
          properties: Properties([
            ("content_asset_id", .string(item.id)),
            ("title", .string(item.title)),
            ("content_type", .string("trailer")),
          ]), campaign: campaign),
      ]

    case .classViewed(let classIndex):
      let item = catalog.classes[classIndex]
      // A visitor from search, referral, organic or direct lands here first, and the
      // landing carries the channel's campaign, as its URL's UTM parameters would. So does
      // the page of a repeat visit that came through a channel.
      let campaign = action.campaignChannel.map {
        self.campaign(channel: $0, classIndex: classIndex)
      }
      return [
        view("Class", path: "/classes/\(item.id)", title: item.title, campaign: campaign),
        frontEnd(
          .track, event: "Product Viewed", properties: productProperties(classIndex),
          campaign: campaign),
      ]

    case .identified(let firstTime, let classesOwned):
      var messages = [
        identify(
          customer: customer, time: time, device: device, timeZone: action.timeZone,
          classesOwned: classesOwned, counter: &counter)
      ]
      if firstTime {
        messages.append(backEnd("Signed Up", properties: Properties([("type", .string("email"))])))
      }
      return messages

    case .productAdded(let classIndex):
      var properties = productProperties(classIndex)
      properties["cart_id"] = .string("cart-\(customer)")
      return [frontEnd(.track, event: "Product Added", properties: properties)]

    case .checkoutStarted(let classIndex):
      let item = catalog.classes[classIndex]
      return [
        frontEnd(
          .track, event: "Checkout Started",
          properties: Properties([
            ("value", .number(Double(item.priceCents) / 100)),
            ("currency", .string("USD")),
            ("products", .strings([item.id])),
          ]))
      ]

    case .orderCompleted(let classIndex, let orderNumber, let revenueCents, _):
      let item = catalog.classes[classIndex]
      return [
        backEnd(
          "Order Completed",
          properties: Properties([
            ("order_id", .string("order-\(customer)-\(orderNumber)")),
            ("product_id", .string(item.id)),
            ("revenue", .number(Double(revenueCents) / 100)),
            ("currency", .string("USD")),
            ("products", .strings([item.id])),
          ]))
      ]

    case .orderRefunded(let classIndex, let orderNumber, let revenueCents):
      let item = catalog.classes[classIndex]
      return [
        backEnd(
          "Order Refunded",
          properties: Properties([
            ("order_id", .string("order-\(customer)-\(orderNumber)")),
            ("product_id", .string(item.id)),
            ("total", .number(Double(revenueCents) / 100)),
            ("currency", .string("USD")),
            ("products", .strings([item.id])),
          ]))
      ]

    case .passwordResetRequested:
      return [backEnd("Password Reset Requested")]
    }
  }

  /// Builds a sign-in on `device` that no action recorded: an `alias` from the device's
  /// anonymous id to the user id, followed by an `identify` without traits unless
  /// `identifies` is false (because the action that needs the sign-in is an identify).
  ///
  /// The client sends it when a customer signs in on their second device, so the platform
  /// links that device's anonymous history to the user.
  public func signIn(
    for action: CustomerAction, on device: Device, identifies: Bool, counter: inout UInt32
  ) -> [Message] {
    let customer = action.customer
    var signedIn = device
    signedIn.signedIn = true
    var alias = frontEndMessage(
      .alias, customer: customer, time: action.time, device: signedIn,
      timeZone: action.timeZone, counter: &counter)
    alias.previousId = device.anonymousId
    guard identifies else { return [alias] }
    let identify = frontEndMessage(
      .identify, customer: customer, time: action.time, device: signedIn,
      timeZone: action.timeZone, counter: &counter)
    return [alias, identify]
  }

  /// Builds the identify call of a sign-in, with the traits `access_level` (`free`, or `paid` once
  /// the customer owns a class), `email_opt_in` and `products_owned` (class ids).
  private func identify(
    customer: UInt64, time: SimTime, device: Device, timeZone: String?, classesOwned: [Int],
    counter: inout UInt32
  ) -> Message {
    var signedIn = device
    signedIn.signedIn = true
    var message = frontEndMessage(
      .identify, customer: customer, time: time, device: signedIn, timeZone: timeZone,
      counter: &counter)
    message.traits = Properties([
      ("access_level", .string(classesOwned.isEmpty ? "free" : "paid")),
      ("email_opt_in", .bool(true)),
      ("products_owned", .strings(classesOwned.map { catalog.classes[$0].id })),
    ])
    return message
  }

  /// Builds a front-end message of `type` from `device` with the common fields filled.
  private func frontEndMessage(
    _ type: MessageType, customer: UInt64, time: SimTime, device: Device, timeZone: String?,
    counter: inout UInt32
  ) -> Message {
    var message = Message(
      type: type, messageId: MessageID(customer: customer, counter: counter),
      anonymousId: device.anonymousId,
      userId: device.signedIn ? CustomerIdentity.userId(customer) : nil, timestamp: time,
      source: .frontEnd, customer: customer)
    message.context.timezone = timeZone
    if device.platform == .app {
      message.context.app = .loopSim
      message.context.device = DeviceContext(
        id: CustomerIdentity.deviceId(customer), type: "mobile")
    }
    counter &+= 1
    return message
  }

  /// The `context.campaign` of a first touch: the channel's name, source and medium, and
  /// the class as the content.
  private func campaign(channel index: Int, classIndex: Int) -> Campaign {
    let channel = channels[index]
    return Campaign(
      name: channel.name, source: channel.source, medium: channel.medium,
      content: catalog.classes[classIndex].id)
  }

  private func productProperties(_ classIndex: Int) -> Properties {
    let item = catalog.classes[classIndex]
    return Properties([
      ("product_id", .string(item.id)),
      ("name", .string(item.title)),
      ("category", .string(item.category)),
      ("brand", .string(item.instructor)),
      ("price", .number(Double(item.priceCents) / 100)),
      ("currency", .string("USD")),
    ])
  }
}
