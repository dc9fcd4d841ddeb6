import CGSL
import Testing

@testable import Measure

/// GSL's default handler aborts the process on a domain error. After any entry point of this
/// module has run, the same error must come back as NaN instead, so if this test fails the
/// test process aborts.
@Test func gslDomainErrorReturnsNaNAfterFirstUse() throws {
  _ = try BinomialArm(successes: 1, trials: 2).wilsonInterval()
  // A probability of 2 is a domain error that binomial.c reports through the handler.
  let result = gsl_cdf_binomial_P(1, 2.0, 10)
  #expect(result.isNaN)
}
