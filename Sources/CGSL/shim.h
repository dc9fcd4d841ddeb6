#ifndef LOOPSIM_CGSL_SHIM_H
#define LOOPSIM_CGSL_SHIM_H

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_splinalg.h>
#include <gsl/gsl_spmatrix.h>
#include <gsl/gsl_statistics_double.h>

// GSL exposes its generator types as mutable C globals, which Swift 6 rejects as shared
// mutable state. These accessors return them as plain values.
static inline const gsl_rng_type *loopsim_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *loopsim_gsl_rng_default(void) { return gsl_rng_default; }
// The same for the sparse iterative solver type, a C global too.
static inline const gsl_splinalg_itersolve_type *loopsim_gsl_splinalg_gmres(void) {
  return gsl_splinalg_itersolve_gmres;
}

#endif
