#include "CRandom.h"

// The GSL callbacks wrap the inline generator of CRandom.h, so GSL's samplers and the
// direct draws in Swift read the same words.

static unsigned long philox_get(void *opaque) {
  return loopsim_philox_next_word(opaque);
}

static double philox_get_double(void *opaque) {
  return loopsim_philox_next_double(opaque);
}

static void philox_set(void *opaque, unsigned long seed) {
  loopsim_philox_position(opaque, (uint64_t)seed, 0, 0);
}

static const gsl_rng_type philox_type = {
    "loopsim-philox4x32-10",
    UINT32_C(0xFFFFFFFF),
    0,
    sizeof(loopsim_philox_state),
    &philox_set,
    &philox_get,
    &philox_get_double,
};

const gsl_rng_type *loopsim_philox_rng_type(void) { return &philox_type; }
