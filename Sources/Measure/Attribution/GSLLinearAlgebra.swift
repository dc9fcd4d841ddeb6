import CGSL
import Simulation

// Owners of the GSL objects that the Markov model's solvers allocate. Each frees its object
// in deinit. GSL's error handler is off (`GSL.setErrorHandlerOff()`), so a failed allocation
// returns NULL and the initializers throw instead of aborting.

/// A dense gsl_matrix, filled with zeros.
final class GSLMatrix {
  let pointer: UnsafeMutablePointer<gsl_matrix>

  init(rows: Int, columns: Int) throws(AttributionError) {
    GSL.setErrorHandlerOff()
    guard let pointer = gsl_matrix_calloc(rows, columns) else {
      throw .solverFailed(
        function: "gsl_matrix_calloc", reason: "cannot allocate a \(rows)×\(columns) matrix")
    }
    self.pointer = pointer
  }

  deinit { gsl_matrix_free(pointer) }

  subscript(row: Int, column: Int) -> Double {
    get { gsl_matrix_get(pointer, row, column) }
    set { gsl_matrix_set(pointer, row, column, newValue) }
  }
}

/// A gsl_vector, filled with zeros.
final class GSLVector {
  let pointer: UnsafeMutablePointer<gsl_vector>

  init(count: Int) throws(AttributionError) {
    GSL.setErrorHandlerOff()
    guard let pointer = gsl_vector_calloc(count) else {
      throw .solverFailed(
        function: "gsl_vector_calloc", reason: "cannot allocate a vector of \(count)")
    }
    self.pointer = pointer
  }

  deinit { gsl_vector_free(pointer) }

  subscript(index: Int) -> Double {
    get { gsl_vector_get(pointer, index) }
    set { gsl_vector_set(pointer, index, newValue) }
  }

  /// The elements as a Swift array.
  var elements: [Double] {
    (0..<pointer.pointee.size).map { gsl_vector_get(pointer, $0) }
  }
}

/// A gsl_permutation, for the row exchanges of an LU decomposition.
final class GSLPermutation {
  let pointer: UnsafeMutablePointer<gsl_permutation>

  init(count: Int) throws(AttributionError) {
    GSL.setErrorHandlerOff()
    guard let pointer = gsl_permutation_alloc(count) else {
      throw .solverFailed(
        function: "gsl_permutation_alloc", reason: "cannot allocate a permutation of \(count)")
    }
    self.pointer = pointer
  }

  deinit { gsl_permutation_free(pointer) }
}

/// A gsl_spmatrix of doubles, in triplet (COO) or compressed form.
final class GSLSparseMatrix {
  let pointer: UnsafeMutablePointer<gsl_spmatrix>

  /// Allocates an empty triplet matrix with room for `capacity` nonzero entries.
  init(rows: Int, columns: Int, capacity: Int) throws(AttributionError) {
    GSL.setErrorHandlerOff()
    guard
      let pointer = gsl_spmatrix_alloc_nzmax(
        rows, columns, max(1, capacity), Int32(GSL_SPMATRIX_COO))
    else {
      throw .solverFailed(
        function: "gsl_spmatrix_alloc_nzmax",
        reason: "cannot allocate a \(rows)×\(columns) sparse matrix")
    }
    self.pointer = pointer
  }

  private init(owning pointer: UnsafeMutablePointer<gsl_spmatrix>) {
    self.pointer = pointer
  }

  deinit { gsl_spmatrix_free(pointer) }

  /// Sets one entry of a triplet matrix.
  func set(row: Int, column: Int, value: Double) throws(AttributionError) {
    try checkGSL(gsl_spmatrix_set(pointer, row, column, value), function: "gsl_spmatrix_set")
  }

  /// Returns the matrix in compressed sparse row (CSR) form.
  func compressedRows() throws(AttributionError) -> GSLSparseMatrix {
    guard let compressed = gsl_spmatrix_compress(pointer, Int32(GSL_SPMATRIX_CSR)) else {
      throw .solverFailed(
        function: "gsl_spmatrix_compress", reason: "cannot allocate the compressed matrix")
    }
    return GSLSparseMatrix(owning: compressed)
  }
}

/// A workspace of GSL's restarted GMRES solver.
final class GSLGMRESWorkspace {
  let pointer: UnsafeMutablePointer<gsl_splinalg_itersolve>

  /// Allocates the workspace for n unknowns and a Krylov subspace of dimension m, the
  /// number of inner iterations between restarts.
  init(unknowns n: Int, subspaceDimension m: Int) throws(AttributionError) {
    GSL.setErrorHandlerOff()
    guard let pointer = gsl_splinalg_itersolve_alloc(loopsim_gsl_splinalg_gmres(), n, m) else {
      throw .solverFailed(
        function: "gsl_splinalg_itersolve_alloc",
        reason: "cannot allocate a GMRES workspace for \(n) unknowns")
    }
    self.pointer = pointer
  }

  deinit { gsl_splinalg_itersolve_free(pointer) }
}
