import CGSL
import Simulation

/// The linear solver of the Markov model's absorbing chain.
public enum MarkovSolver: String, Hashable, Sendable, CaseIterable {
  /// A dense LU decomposition with partial pivoting (`gsl_linalg_LU_decomp` and
  /// `gsl_linalg_LU_solve`): exact up to rounding, with O(n²) memory and O(n³) time.
  case denseLU
  /// GSL's restarted GMRES on a sparse matrix (`gsl_splinalg_itersolve_gmres`): iterative,
  /// to a relative residual tolerance, with memory and time per iteration in proportion to
  /// the number of transitions.
  case sparseGMRES
}

/// The result of one solve of the absorbing chain from (start).
struct AbsorptionFromStart {
  /// P(the walk from (start) ends in (conversion)).
  let conversionProbability: Double
  /// The expected conversion value of a walk from (start).
  let expectedValue: Double
  /// ‖b − M n‖₂ / ‖b‖₂ of the solution n, recomputed from the chain's transitions.
  let relativeResidual: Double
}

/// Solves the absorbing chain for the expected visits from (start), with some states removed.
///
/// With Q the transition probabilities among the transient states, the expected numbers of
/// visits n from (start) solve (I − Qᵀ) n = e_start, the row of the fundamental matrix
/// N = (I − Q)⁻¹ for (start). Then P(conversion) = Σₛ nₛ cₛ / wₛ and the expected value is
/// Σₛ nₛ vₛ / wₛ, with cₛ, vₛ and wₛ the conversion, value and total weights out of state s.
///
/// A removed state is cut off: every transition into it goes to (null) instead, and its own
/// row is the identity, so its visit count is 0. This is the removal effect's redirection to
/// (null).
struct AbsorbingChainSolver {
  let chain: MarkovChain
  let solver: MarkovSolver
  /// GMRES's relative residual tolerance ‖b − M n‖₂ ≤ tolerance ‖b‖₂.
  let tolerance: Double
  /// The maximum number of GMRES restart cycles.
  let maximumRestarts: Int

  /// Solves with the states where `removed` is true cut off.
  func solve(removed: [Bool]) throws(AttributionError) -> AbsorptionFromStart {
    GSL.setErrorHandlerOff()
    let visits: [Double]
    switch solver {
    case .denseLU: visits = try solveDense(removed: removed)
    case .sparseGMRES: visits = try solveSparse(removed: removed)
    }
    guard visits.allSatisfy(\.isFinite) else {
      throw .solverFailed(
        function: solver == .denseLU ? "gsl_linalg_LU_solve" : "gsl_splinalg_itersolve_iterate",
        reason: "the solution is not finite")
    }

    var conversion = CompensatedSum()
    var value = CompensatedSum()
    for state in 0..<chain.count where !removed[state] && chain.totalWeight[state] > 0 {
      conversion.add(visits[state] * chain.conversionWeight[state] / chain.totalWeight[state])
      value.add(visits[state] * chain.valueWeight[state] / chain.totalWeight[state])
    }
    return AbsorptionFromStart(
      conversionProbability: conversion.value, expectedValue: value.value,
      relativeResidual: residual(of: visits, removed: removed))
  }

  /// Returns the nonzero entries (row, column, value) of M = I − Qᵀ with removed states cut
  /// off. Each (row, column) occurs once.
  private func entries(removed: [Bool]) -> [(row: Int, column: Int, value: Double)] {
    var entries: [(row: Int, column: Int, value: Double)] = []
    for source in 0..<chain.count {
      guard !removed[source] else {
        entries.append((source, source, 1))
        continue
      }
      var diagonal = 1.0
      let total = chain.totalWeight[source]
      for (target, weight) in chain.transitions[source] where !removed[target] {
        if target == source {
          diagonal -= weight / total
        } else {
          entries.append((target, source, -weight / total))
        }
      }
      entries.append((source, source, diagonal))
    }
    return entries
  }

  private func solveDense(removed: [Bool]) throws(AttributionError) -> [Double] {
    let n = chain.count
    let matrix = try GSLMatrix(rows: n, columns: n)
    for entry in entries(removed: removed) {
      matrix[entry.row, entry.column] = entry.value
    }
    let rightHandSide = try GSLVector(count: n)
    rightHandSide[0] = 1
    let solution = try GSLVector(count: n)
    let permutation = try GSLPermutation(count: n)
    var sign: Int32 = 0
    try checkGSL(
      gsl_linalg_LU_decomp(matrix.pointer, permutation.pointer, &sign),
      function: "gsl_linalg_LU_decomp")
    try checkGSL(
      gsl_linalg_LU_solve(
        matrix.pointer, permutation.pointer, rightHandSide.pointer, solution.pointer),
      function: "gsl_linalg_LU_solve")
    return solution.elements
  }

  private func solveSparse(removed: [Bool]) throws(AttributionError) -> [Double] {
    let n = chain.count
    let entries = entries(removed: removed)
    let triplets = try GSLSparseMatrix(rows: n, columns: n, capacity: entries.count)
    for entry in entries {
      try triplets.set(row: entry.row, column: entry.column, value: entry.value)
    }
    let matrix = try triplets.compressedRows()
    let rightHandSide = try GSLVector(count: n)
    rightHandSide[0] = 1
    let solution = try GSLVector(count: n)
    let workspace = try GSLGMRESWorkspace(unknowns: n, subspaceDimension: min(n, 30))

    var restarts = 0
    while true {
      let status = gsl_splinalg_itersolve_iterate(
        matrix.pointer, rightHandSide.pointer, tolerance, solution.pointer, workspace.pointer)
      restarts += 1
      if status == GSL_SUCCESS { break }
      if status != GSL_CONTINUE {
        try checkGSL(status, function: "gsl_splinalg_itersolve_iterate")
      }
      guard restarts < maximumRestarts else {
        throw .solverDidNotConverge(
          residual: gsl_splinalg_itersolve_normr(workspace.pointer), tolerance: tolerance,
          iterations: restarts)
      }
    }
    return solution.elements
  }

  /// Returns ‖b − M n‖₂ / ‖b‖₂ with ‖b‖₂ = 1, computed from the transitions rather than from
  /// the matrix the solver saw.
  private func residual(of visits: [Double], removed: [Bool]) -> Double {
    var product = visits
    for source in 0..<chain.count where !removed[source] {
      let total = chain.totalWeight[source]
      for (target, weight) in chain.transitions[source] where !removed[target] {
        product[target] -= weight / total * visits[source]
      }
    }
    var sum = CompensatedSum()
    for (state, value) in product.enumerated() {
      let difference = (state == 0 ? 1 : 0) - value
      sum.add(difference * difference)
    }
    return sum.value.squareRoot()
  }
}
