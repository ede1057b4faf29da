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

/// The index of the first byte of `p[0..<count]` that is one of `stops[0..<8]` (unused entries repeat
/// `stops[0]`), or `count`: a run of a byte class that excludes at most eight bytes, such as `[^<>"\r\n]`,
/// sixteen bytes per step (the compiled rule programs, `RuleProgramSource`).
static inline size_t line_scan_until(const uint8_t *p, size_t count, const uint8_t *stops) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i s0 = _mm_set1_epi8((char)stops[0]), s1 = _mm_set1_epi8((char)stops[1]);
    const __m128i s2 = _mm_set1_epi8((char)stops[2]), s3 = _mm_set1_epi8((char)stops[3]);
    const __m128i s4 = _mm_set1_epi8((char)stops[4]), s5 = _mm_set1_epi8((char)stops[5]);
    const __m128i s6 = _mm_set1_epi8((char)stops[6]), s7 = _mm_set1_epi8((char)stops[7]);
    for (; i + 16 <= count; i += 16) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        const __m128i hits = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, s0), _mm_cmpeq_epi8(v, s1)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, s2), _mm_cmpeq_epi8(v, s3))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, s4), _mm_cmpeq_epi8(v, s5)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, s6), _mm_cmpeq_epi8(v, s7))));
        const uint32_t mask = (uint32_t)_mm_movemask_epi8(hits);
        if (mask != 0) return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < count; i++) {
        const uint8_t c = p[i];
        if (c == stops[0] || c == stops[1] || c == stops[2] || c == stops[3] ||
            c == stops[4] || c == stops[5] || c == stops[6] || c == stops[7]) return i;
    }
    return count;
}

#endif
