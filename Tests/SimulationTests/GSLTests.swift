import CGSL
import Testing

@testable import Simulation

@Suite("GSL setup")
struct GSLTests {
  @Test("error handler off returns status")
  func errorHandlerOffReturnsStatus() {
    GSL.setErrorHandlerOff()

    // The gamma function has poles at the non-positive integers. With GSL's default
    // handler this call would abort the test process.
    var result = gsl_sf_result()
    let status = gsl_sf_gamma_e(-1.0, &result)

    #expect(status == Int32(GSL_EDOM))
  }

  @Test("setup is idempotent across tasks")
  func setupIsIdempotentAcrossTasks() async {
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask { GSL.setErrorHandlerOff() }
      }
    }

    var result = gsl_sf_result()
    #expect(gsl_sf_gamma_e(0.0, &result) == Int32(GSL_EDOM))
  }

  @Test("check passes success")
  func checkPassesSuccess() throws {
    try GSL.check(Int32(GSL_SUCCESS), function: "gsl_sf_gamma_e")
  }

  @Test("check throws status and reason")
  func checkThrowsStatusAndReason() {
    #expect(throws: GSLError(status: Int32(GSL_EDOM), function: "gsl_sf_gamma_e")) {
      try GSL.check(Int32(GSL_EDOM), function: "gsl_sf_gamma_e")
    }

    let error = GSLError(status: Int32(GSL_EDOM), function: "gsl_sf_gamma_e")
    #expect(error.reason == "input domain error")
    #expect(error.description == "gsl_sf_gamma_e failed: input domain error (GSL status 1)")
  }
}
