/// The track event names LoopSim emits, as the Segment Spec names them: the e-commerce,
/// video, A/B testing and email events, plus the backend's password reset.
public enum SegmentEvents {
  public static let all = [
    "Video Playback Started", "Product Viewed", "Product Added", "Checkout Started",
    "Order Completed", "Order Refunded", "Signed Up", "Password Reset Requested",
    "Experiment Viewed", "Email Sent", "Email Delivered", "Email Bounced", "Email Opened",
    "Email Link Clicked", "Unsubscribed", "Email Marked as Spam",
  ]

  /// The properties each kind of message carries, by track event name, with `page` and
  /// `screen` for the page and screen calls. The Tracker and the messaging engine set them;
  /// a test checks this table against the Tracker's messages.
  public static let properties: [String: [String]] = {
    let product = ["product_id", "name", "category", "brand", "price", "currency"]
    let email = ["email_id", "email_subject", "campaign_id", "campaign_name", "product_id"]
    var table: [String: [String]] = [
      "page": ["path", "title"],
      "screen": ["title"],
      "Video Playback Started": ["content_asset_id", "title", "content_type"],
      "Product Viewed": product,
      "Product Added": product + ["cart_id"],
      "Checkout Started": ["value", "currency", "products"],
      "Order Completed": ["order_id", "product_id", "revenue", "currency", "products"],
      "Order Refunded": ["order_id", "product_id", "total", "currency", "products"],
      "Signed Up": ["type"],
      "Password Reset Requested": [],
      "Experiment Viewed": ["experiment_id", "experiment_name", "variation_name"],
    ]
    for event in [
      "Email Sent", "Email Delivered", "Email Link Clicked", "Unsubscribed",
      "Email Marked as Spam",
    ] {
      table[event] = email
    }
    table["Email Bounced"] = email + ["bounce_type"]
    table["Email Opened"] = email + ["machine_open"]
    return table
  }()
}
