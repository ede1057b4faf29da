#ifndef CLINESCAN_H
#define CLINESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Finds every LF in `bytes[0..<count]` in one pass and writes their offsets, in order, to `ends`
/// (room for `count` entries at least); returns how many it wrote. Sets `*sawNul` when a 0 byte is
/// among the `count` bytes, so callers look for NULs only in blocks that hold one.
/// `count` must be below 2^31.
size_t line_scan_newlines(const uint8_t *bytes, size_t count, int32_t *ends, bool *sawNul);

/// Asks the CPU to load the cache line at `p` (a hint; never faults): for loops that visit records in
/// an order other than memory order.
static inline void line_scan_prefetch(const void *p) { __builtin_prefetch(p); }

/// A 16-bit mask of the bytes among `p[0..<16]` equal to `a`, `b` or `c` (bit k for byte k): the parser
/// finds the end of a host or program name with one compare instead of a loop over its bytes. Inline,
/// so Swift callers compile it into their own loop.
static inline uint32_t line_scan_match16(const uint8_t *p, uint8_t a, uint8_t b, uint8_t c) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)a)),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8((char)b))),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
    return (uint32_t)_mm_movemask_epi8(hits);
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (p[k] == a || p[k] == b || p[k] == c) mask |= 1u << k;
    }
    return mask;
#endif
}

#endif
