// The line framer's block scan. Swift has no vector movemask (its SIMD comparisons become per-lane
// extracts), so this one loop is C: on x86-64, SSE2 (part of the baseline) compares 64 bytes with LF
// and with 0, packs the LF lanes into one 64-bit mask and walks its set bits; elsewhere memchr.
#include "CLineScan.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

size_t line_scan_newlines(const uint8_t *bytes, size_t count, int32_t *ends, bool *sawNul) {
    size_t found = 0;
    size_t i = 0;
    bool nul = false;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    __m128i zeros = zero;
    for (; i + 64 <= count; i += 64) {
        const __m128i a = _mm_loadu_si128((const __m128i *)(bytes + i));
        const __m128i b = _mm_loadu_si128((const __m128i *)(bytes + i + 16));
        const __m128i c = _mm_loadu_si128((const __m128i *)(bytes + i + 32));
        const __m128i d = _mm_loadu_si128((const __m128i *)(bytes + i + 48));
        uint64_t mask = (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, lf))
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, lf)) << 16
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(c, lf)) << 32
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(d, lf)) << 48;
        zeros = _mm_or_si128(zeros, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero)),
                                                 _mm_or_si128(_mm_cmpeq_epi8(c, zero), _mm_cmpeq_epi8(d, zero))));
        while (mask != 0) {
            ends[found++] = (int32_t)(i + (size_t)__builtin_ctzll(mask));
            mask &= mask - 1;
        }
    }
    nul = _mm_movemask_epi8(zeros) != 0;
    for (; i < count; i++) {
        if (bytes[i] == '\n') {
            ends[found++] = (int32_t)i;
        } else if (bytes[i] == 0) {
            nul = true;
        }
    }
#else
    while (i < count) {
        const uint8_t *lf = memchr(bytes + i, '\n', count - i);
        if (lf == NULL) break;
        ends[found++] = (int32_t)(lf - bytes);
        i = (size_t)(lf - bytes) + 1;
    }
    nul = count > 0 && memchr(bytes, 0, count) != NULL;
#endif
    *sawNul = nul;
    return found;
}
