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

// The generator is defined here, static inline, so that Swift callers compile the block
// function and the word and double draws into their own code. The GSL type below wraps
// the same functions, so a draw through GSL and a direct draw give the same bits.

// Multipliers and Weyl key increments from the Random123 reference implementation.
#define LOOPSIM_PHILOX_M0 UINT32_C(0xD2511F53)
#define LOOPSIM_PHILOX_M1 UINT32_C(0xCD9E8D57)
#define LOOPSIM_PHILOX_W0 UINT32_C(0x9E3779B9)
#define LOOPSIM_PHILOX_W1 UINT32_C(0xBB67AE85)

// Computes one Philox4x32-10 block: `output` = bijection_key(`counter`).
__attribute__((always_inline))
static inline void loopsim_philox4x32_10(const uint32_t counter[4], const uint32_t key[2],
                                         uint32_t output[4]) {
  uint32_t x0 = counter[0], x1 = counter[1], x2 = counter[2], x3 = counter[3];
  uint32_t k0 = key[0], k1 = key[1];
#pragma clang loop unroll(full)
  for (int round = 0; round < 10; round++) {
    uint64_t product0 = (uint64_t)LOOPSIM_PHILOX_M0 * x0;
    uint64_t product1 = (uint64_t)LOOPSIM_PHILOX_M1 * x2;
    uint32_t y0 = (uint32_t)(product1 >> 32) ^ x1 ^ k0;
    uint32_t y2 = (uint32_t)(product0 >> 32) ^ x3 ^ k1;
    x1 = (uint32_t)product1;
    x3 = (uint32_t)product0;
    x0 = y0;
    x2 = y2;
    k0 += LOOPSIM_PHILOX_W0;
    k1 += LOOPSIM_PHILOX_W1;
  }
  output[0] = x0;
  output[1] = x1;
  output[2] = x2;
  output[3] = x3;
}

// Moves `state` to the start of the stream for (key, customer, occurrence).
__attribute__((always_inline))
static inline void loopsim_philox_position(loopsim_philox_state *state, uint64_t key,
                                           uint64_t customer, uint32_t occurrence) {
  state->key[0] = (uint32_t)key;
  state->key[1] = (uint32_t)(key >> 32);
  state->counter[0] = 0;
  state->counter[1] = occurrence;
  state->counter[2] = (uint32_t)customer;
  state->counter[3] = (uint32_t)(customer >> 32);
  state->used = 4;
}

// Returns the next 32-bit word of the stream, computing a block when the last one is spent.
__attribute__((always_inline))
static inline uint32_t loopsim_philox_next_word(loopsim_philox_state *state) {
  if (state->used >= 4) {
    loopsim_philox4x32_10(state->counter, state->key, state->block);
    // 2^32 blocks (2^34 words) per stream before the block index wraps; LoopSim's
    // streams draw a handful of words each.
    state->counter[0] += 1;
    state->used = 0;
  }
  return state->block[state->used++];
}

// Returns a uniform double in [0, 1): 27 high bits of one word and 26 of the next give a
// 53-bit fraction. This is what `gsl_rng_uniform` returns for the GSL type below.
__attribute__((always_inline))
static inline double loopsim_philox_next_double(loopsim_philox_state *state) {
  uint64_t high = loopsim_philox_next_word(state) >> 5;
  uint64_t low = loopsim_philox_next_word(state) >> 6;
  return (double)((high << 26) | low) * 0x1.0p-53;
}

// The first blocks of eight streams of one key and occurrence, for eight consecutive
// customers, as words[word][lane]: lane i belongs to customer `first_customer` + i.
typedef struct {
  uint32_t words[4][8];
} loopsim_philox_batch;

// Computes block 0 of the streams of customers `first_customer` ... `first_customer` + 7
// under `key` and `occurrence`, with AVX2 where the processor has it. The blocks are
// those that `loopsim_philox4x32_10` computes one at a time.
void loopsim_philox_first_blocks(uint64_t key, uint64_t first_customer, uint32_t occurrence,
                                 loopsim_philox_batch *batch);

// The same without vector instructions, for tests of the vector path.
void loopsim_philox_first_blocks_scalar(uint64_t key, uint64_t first_customer,
                                        uint32_t occurrence, loopsim_philox_batch *batch);

// Positions `state` as `loopsim_philox_position` does and then draws block 0 from `batch`
// lane `lane`, so the state is the one after the first word draw computed the block,
// before any word is taken.
__attribute__((always_inline))
static inline void loopsim_philox_position_from_batch(loopsim_philox_state *state,
                                                      uint64_t key, uint64_t customer,
                                                      uint32_t occurrence,
                                                      const loopsim_philox_batch *batch,
                                                      int lane) {
  loopsim_philox_position(state, key, customer, occurrence);
  for (int word = 0; word < 4; word++) {
    state->block[word] = batch->words[word][lane];
  }
  state->counter[0] = 1;
  state->used = 0;
}

// Returns what `loopsim_philox_next_double` returns first on the stream of `lane`: the
// 53-bit fraction of words 0 and 1 of its block 0.
__attribute__((always_inline))
static inline double loopsim_philox_batch_first_double(const loopsim_philox_batch *batch,
                                                       int lane) {
  uint64_t high = batch->words[0][lane] >> 5;
  uint64_t low = batch->words[1][lane] >> 6;
  return (double)((high << 26) | low) * 0x1.0p-53;
}

// The generator as a GSL type, so GSL's samplers draw from it. Its range is
// [0, 2^32 - 1]; `gsl_rng_uniform` takes 53 bits from two words. `gsl_rng_set`
// sets the key to the seed and the counter to zero.
const gsl_rng_type *loopsim_philox_rng_type(void);

#endif
