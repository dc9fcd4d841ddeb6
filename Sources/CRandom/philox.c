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

void loopsim_philox_first_blocks_scalar(uint64_t key, uint64_t first_customer,
                                        uint32_t occurrence, loopsim_philox_batch *batch) {
  const uint32_t key_words[2] = {(uint32_t)key, (uint32_t)(key >> 32)};
  for (int lane = 0; lane < 8; lane++) {
    uint64_t customer = first_customer + (uint64_t)lane;
    const uint32_t counter[4] = {0, occurrence, (uint32_t)customer, (uint32_t)(customer >> 32)};
    uint32_t block[4];
    loopsim_philox4x32_10(counter, key_words, block);
    for (int word = 0; word < 4; word++) {
      batch->words[word][lane] = block[word];
    }
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Multiplies the 32-bit lanes of `x` by `multiplier`, giving the high and the low halves
// of the eight 64-bit products in the lanes where `x` had its factors.
__attribute__((target("avx2"))) static inline void philox_mulhilo_avx2(
    __m256i x, __m256i multiplier, __m256i *high, __m256i *low) {
  __m256i even = _mm256_mul_epu32(x, multiplier);
  __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), multiplier);
  *high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

__attribute__((target("avx2"))) static void philox_first_blocks_avx2(
    uint64_t key, uint64_t first_customer, uint32_t occurrence,
    loopsim_philox_batch *batch) {
  uint32_t customer_low[8], customer_high[8];
  for (int lane = 0; lane < 8; lane++) {
    uint64_t customer = first_customer + (uint64_t)lane;
    customer_low[lane] = (uint32_t)customer;
    customer_high[lane] = (uint32_t)(customer >> 32);
  }
  __m256i x0 = _mm256_setzero_si256();
  __m256i x1 = _mm256_set1_epi32((int)occurrence);
  __m256i x2 = _mm256_loadu_si256((const __m256i *)customer_low);
  __m256i x3 = _mm256_loadu_si256((const __m256i *)customer_high);
  __m256i k0 = _mm256_set1_epi32((int)(uint32_t)key);
  __m256i k1 = _mm256_set1_epi32((int)(uint32_t)(key >> 32));
  const __m256i m0 = _mm256_set1_epi64x(LOOPSIM_PHILOX_M0);
  const __m256i m1 = _mm256_set1_epi64x(LOOPSIM_PHILOX_M1);
  const __m256i w0 = _mm256_set1_epi32((int)LOOPSIM_PHILOX_W0);
  const __m256i w1 = _mm256_set1_epi32((int)LOOPSIM_PHILOX_W1);
#pragma clang loop unroll(full)
  for (int round = 0; round < 10; round++) {
    __m256i high0, low0, high1, low1;
    philox_mulhilo_avx2(x0, m0, &high0, &low0);
    philox_mulhilo_avx2(x2, m1, &high1, &low1);
    __m256i y0 = _mm256_xor_si256(_mm256_xor_si256(high1, x1), k0);
    __m256i y2 = _mm256_xor_si256(_mm256_xor_si256(high0, x3), k1);
    x1 = low1;
    x3 = low0;
    x0 = y0;
    x2 = y2;
    k0 = _mm256_add_epi32(k0, w0);
    k1 = _mm256_add_epi32(k1, w1);
  }
  _mm256_storeu_si256((__m256i *)batch->words[0], x0);
  _mm256_storeu_si256((__m256i *)batch->words[1], x1);
  _mm256_storeu_si256((__m256i *)batch->words[2], x2);
  _mm256_storeu_si256((__m256i *)batch->words[3], x3);
}
#endif

void loopsim_philox_first_blocks(uint64_t key, uint64_t first_customer, uint32_t occurrence,
                                 loopsim_philox_batch *batch) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) {
    philox_first_blocks_avx2(key, first_customer, occurrence, batch);
    return;
  }
#endif
  loopsim_philox_first_blocks_scalar(key, first_customer, occurrence, batch);
}
