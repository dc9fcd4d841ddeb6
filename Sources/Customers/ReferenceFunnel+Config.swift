import Config
import Simulation

extension ReferenceFunnelModel {
  /// Reads the `funnel` section of a reference-funnel scenario.
  public static var reader: ConfigReader<ReferenceFunnelModel> {
    .object("a funnel section") { funnel in
      let step = BehaviourModel.stepReader
      let channels = funnel.required(
        "channels", .array(of: .nonEmptyString, count: 1...64),
        fix: "list 1 to 64 channel names, such as [\"display\", \"social\"]")
      let trailer = funnel.required("trailer", step)
      let classPage = funnel.required("classPage", step)
      let addToCart = funnel.required("addToCart", step)
      let checkout = funnel.required("checkout", step)
      let holdout = funnel.required("holdout", .probability)
      let emailDelay = funnel.required("emailDelay", .distribution)
      let emailOpen = funnel.required("emailOpen", step)
      let emailClick = funnel.required("emailClick", step)
      let emailReturn = funnel.required("emailReturn", step)
      let organicReturn = funnel.required("organicReturn", step)
      if let channels, Set(channels).count != channels.count {
        funnel.error(
          "duplicate channel name", key: "channels", found: channels.joined(separator: ", "),
          fix: "give each channel a different name")
        return nil
      }
      guard let channels, let trailer, let classPage, let addToCart, let checkout, let holdout,
        let emailDelay, let emailOpen, let emailClick, let emailReturn, let organicReturn
      else { return nil }
      return ReferenceFunnelModel(
        channels: channels, trailer: trailer, classPage: classPage, addToCart: addToCart,
        checkout: checkout, holdout: holdout, emailDelay: emailDelay, emailOpen: emailOpen,
        emailClick: emailClick, emailReturn: emailReturn, organicReturn: organicReturn)
    }
  }
}

extension ReferenceFunnelModel: ConfigEncodable {
  /// The section in the syntax that `reader` reads.
  public var configValue: JSONValue {
    [
      "channels": .array(channels.map { .string($0) }),
      "trailer": trailer.configValue,
      "classPage": classPage.configValue,
      "addToCart": addToCart.configValue,
      "checkout": checkout.configValue,
      "holdout": .number(holdout),
      "emailDelay": emailDelay.configValue,
      "emailOpen": emailOpen.configValue,
      "emailClick": emailClick.configValue,
      "emailReturn": emailReturn.configValue,
      "organicReturn": organicReturn.configValue,
    ]
  }
}
