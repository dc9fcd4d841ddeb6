#include "CRandom.h"

// Multipliers and Weyl key increments from the Random123 reference implementation.
#define PHILOX_M0 UINT32_C(0xD2511F53)
#define PHILOX_M1 UINT32_C(0xCD9E8D57)
#define PHILOX_W0 UINT32_C(0x9E3779B9)
#define PHILOX_W1 UINT32_C(0xBB67AE85)

static inline void philox_round(uint32_t x[4], const uint32_t k[2]) {
  uint64_t product0 = (uint64_t)PHILOX_M0 * x[0];
  uint64_t product1 = (uint64_t)PHILOX_M1 * x[2];
  uint32_t hi0 = (uint32_t)(product0 >> 32), lo0 = (uint32_t)product0;
  uint32_t hi1 = (uint32_t)(product1 >> 32), lo1 = (uint32_t)product1;
  uint32_t y0 = hi1 ^ x[1] ^ k[0];
  uint32_t y2 = hi0 ^ x[3] ^ k[1];
  x[0] = y0;
  x[1] = lo1;
  x[2] = y2;
  x[3] = lo0;
}

void loopsim_philox4x32_10(const uint32_t counter[4], const uint32_t key[2],
                           uint32_t output[4]) {
  uint32_t x[4] = {counter[0], counter[1], counter[2], counter[3]};
  uint32_t k[2] = {key[0], key[1]};
  philox_round(x, k);
  for (int round = 1; round < 10; round++) {
    k[0] += PHILOX_W0;
    k[1] += PHILOX_W1;
    philox_round(x, k);
  }
  output[0] = x[0];
  output[1] = x[1];
  output[2] = x[2];
  output[3] = x[3];
}

void loopsim_philox_position(loopsim_philox_state *state, uint64_t key,
                             uint64_t customer, uint32_t occurrence) {
  state->key[0] = (uint32_t)key;
  state->key[1] = (uint32_t)(key >> 32);
  state->counter[0] = 0;
  state->counter[1] = occurrence;
  state->counter[2] = (uint32_t)customer;
  state->counter[3] = (uint32_t)(customer >> 32);
  state->used = 4;
}

static unsigned long philox_get(void *opaque) {
  loopsim_philox_state *state = opaque;
  if (state->used >= 4) {
    loopsim_philox4x32_10(state->counter, state->key, state->block);
    // 2^32 blocks (2^34 words) per stream before the block index wraps; LoopSim's
    // streams draw a handful of words each.
    state->counter[0] += 1;
    state->used = 0;
  }
  return state->block[state->used++];
}

static double philox_get_double(void *opaque) {
  // 27 high bits of one word and 26 of the next give a 53-bit fraction in [0, 1).
  uint64_t high = philox_get(opaque) >> 5;
  uint64_t low = philox_get(opaque) >> 6;
  return (double)((high << 26) | low) * 0x1.0p-53;
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
