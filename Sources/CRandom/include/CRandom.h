#ifndef LOOPSIM_CRANDOM_H
#define LOOPSIM_CRANDOM_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw,
// "Parallel random numbers: as easy as 1, 2, 3" (SC 2011). Each output block is a
// keyed bijection of a 128-bit counter, so a stream is fully described by its key
// and counter: no table, no warm-up, and any position is reachable in O(1).
//
// Counter layout used by LoopSim: word 0 is the block index inside one stream,
// word 1 the occurrence index, words 2 and 3 the customer id (low, high).
typedef struct {
  uint32_t key[2];
  uint32_t counter[4];
  uint32_t block[4];
  uint32_t used;  // words of `block` already returned; 4 means the block is spent
} loopsim_philox_state;

// Computes one Philox4x32-10 block: `output` = bijection_key(`counter`).
void loopsim_philox4x32_10(const uint32_t counter[4], const uint32_t key[2],
                           uint32_t output[4]);

// Moves `state` to the start of the stream for (key, customer, occurrence).
void loopsim_philox_position(loopsim_philox_state *state, uint64_t key,
                             uint64_t customer, uint32_t occurrence);

// The generator as a GSL type, so GSL's samplers draw from it. Its range is
// [0, 2^32 - 1]; `gsl_rng_uniform` takes 53 bits from two words. `gsl_rng_set`
// sets the key to the seed and the counter to zero.
const gsl_rng_type *loopsim_philox_rng_type(void);

#endif
