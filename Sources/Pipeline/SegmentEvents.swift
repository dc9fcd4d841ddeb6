/// The track event names LoopSim emits, as the Segment Spec names them: the e-commerce,
/// video, A/B testing and email events.
public enum SegmentEvents {
  public static let all = [
    "Video Playback Started", "Product Viewed", "Product Added", "Checkout Started",
    "Order Completed", "Signed Up", "Experiment Viewed", "Email Sent", "Email Delivered",
    "Email Bounced", "Email Opened", "Email Link Clicked",
  ]
}
