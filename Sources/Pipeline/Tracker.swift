import Customers
import Simulation

/// The tracking code of the website, app and backend: turns what a customer did into
/// Segment messages, as analytics.js and a server-side library would.
///
/// Front-end messages carry the anonymous id, plus the user id once the customer has
/// signed up. They also carry `context.timezone` when the action has a time zone. Back-end
/// messages carry the user id only. Event names and properties follow the Segment Spec's
/// e-commerce and video events.
public struct Tracker: Sendable {
  public let catalog: Catalog
  public let channels: [Channel]

  public init(catalog: Catalog, channels: [Channel]) {
    self.catalog = catalog
    self.channels = channels
  }

  /// Builds the messages for `action`, numbering them from `counter`, which it advances.
  public func messages(for action: CustomerAction, counter: inout UInt32) -> [Message] {
    let customer = action.customer
    let time = action.time
    let anonymousId = CustomerIdentity.anonymousId(customer)
    let userId = action.signedIn ? CustomerIdentity.userId(customer) : nil

    func frontEnd(
      _ type: MessageType, event: String? = nil, name: String? = nil,
      properties: Properties = Properties(), traits: Properties = Properties(),
      campaign: Campaign? = nil
    ) -> Message {
      var message = Message(
        type: type, messageId: MessageID(customer: customer, counter: counter),
        anonymousId: anonymousId, userId: userId, timestamp: time, event: event, name: name,
        properties: properties, traits: traits, source: .frontEnd, customer: customer)
      message.context.campaign = campaign
      message.context.timezone = action.timeZone
      counter &+= 1
      return message
    }

    func backEnd(_ event: String, properties: Properties) -> Message {
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
        frontEnd(
          .page, name: "Trailer",
          properties: Properties([
            ("path", .string("/classes/\(item.id)/trailer")),
            ("title", .string("\(item.title) trailer")),
          ]), campaign: campaign),
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
      // landing carries the channel's campaign, as its URL's UTM parameters would.
      let campaign = action.campaignChannel.map {
        self.campaign(channel: $0, classIndex: classIndex)
      }
      return [
        frontEnd(
          .page, name: "Class",
          properties: Properties([
            ("path", .string("/classes/\(item.id)")), ("title", .string(item.title)),
          ]), campaign: campaign),
        frontEnd(
          .track, event: "Product Viewed", properties: productProperties(classIndex),
          campaign: campaign),
      ]

    case .identified(let firstTime):
      let user = CustomerIdentity.userId(customer)
      var identify = Message(
        type: .identify, messageId: MessageID(customer: customer, counter: counter),
        anonymousId: anonymousId, userId: user, timestamp: time,
        traits: Properties([
          ("access_level", .string("free")), ("email_opt_in", .bool(true)),
        ]), source: .frontEnd, customer: customer)
      identify.context.timezone = action.timeZone
      counter &+= 1
      var messages = [identify]
      if firstTime {
        messages.append(
          backEnd("Signed Up", properties: Properties([("type", .string("email"))])))
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
    }
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
