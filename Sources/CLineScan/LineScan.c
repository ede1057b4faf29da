// The line framer's block scan. Swift has no vector movemask (its SIMD comparisons become per-lane
// extracts), so this one loop is C. On x86-64 it compares 64 bytes at a time with LF and with 0 and
// packs the LF lanes into one 64-bit mask: with AVX2 (and the BMI1 and POPCNT every AVX2 processor
// has) when the CPU offers it, else with SSE2 (part of the baseline). Elsewhere memchr.
#include "CLineScan.h"
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define LINE_SCAN_AVX2 1
// How far ahead the AVX2 loop asks for bytes. A mapped file's pages come straight from memory and
// the hardware prefetcher stops at every 4 KiB page; 2 KiB ahead took the frame stage from 0.057 to
// 0.048 s per 2 M lines (1 KiB did worse, 4 KiB the same; docs/performance.md, session 13). A prefetch
// past the end of the block is only a hint: it never faults.
#define LINE_SCAN_AHEAD 2048
#endif

#if LINE_SCAN_AVX2
/// The AVX2 loop. Lines are mostly longer than 32 bytes, so a 64-byte block holds at most two line
/// ends: both are written without a branch (tzcnt of an empty mask gives 64, written but not counted)
/// and only a block with three or more takes the loop, so no branch depends on where lines end.
/// `ends` has room for `count` entries, and a block is scanned only while 64 bytes are left: the
/// unconditional second write lands at most at index `i + 1 < count`.
__attribute__((target("avx2,bmi,popcnt")))
static size_t scan_avx2(const uint8_t *bytes, size_t count, size_t *at, int32_t *ends, bool *sawNul) {
    size_t found = 0;
    size_t i = 0;
    const __m256i lf = _mm256_set1_epi8('\n');
    __m256i least = _mm256_set1_epi8((char)0xFF);
    for (; i + 64 <= count; i += 64) {
        _mm_prefetch((const char *)(bytes + i + LINE_SCAN_AHEAD), _MM_HINT_T0);
        const __m256i a = _mm256_loadu_si256((const __m256i *)(bytes + i));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(bytes + i + 32));
        uint64_t mask = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, lf))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, lf)) << 32;
        least = _mm256_min_epu8(least, _mm256_min_epu8(a, b));
        const size_t n = (size_t)_mm_popcnt_u64(mask);
        ends[found] = (int32_t)(i + _tzcnt_u64(mask));
        mask = _blsr_u64(mask);
        ends[found + 1] = (int32_t)(i + _tzcnt_u64(mask));
        if (n > 2) {
            size_t k = found + 2;
            mask = _blsr_u64(mask);
            while (mask != 0) {
                ends[k++] = (int32_t)(i + _tzcnt_u64(mask));
                mask = _blsr_u64(mask);
            }
        }
        found += n;
    }
    *sawNul = _mm256_movemask_epi8(_mm256_cmpeq_epi8(least, _mm256_setzero_si256())) != 0;
    *at = i;
    return found;
}
#endif

size_t line_scan_newlines(const uint8_t *bytes, size_t count, int32_t *ends, bool *sawNul) {
    size_t found = 0;
    size_t i = 0;
    bool nul = false;
#if LINE_SCAN_AVX2
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt")) {
        found = scan_avx2(bytes, count, &i, ends, &nul);
        for (; i < count; i++) {
            if (bytes[i] == '\n') {
                ends[found++] = (int32_t)i;
            } else if (bytes[i] == 0) {
                nul = true;
            }
        }
        *sawNul = nul;
        return found;
    }
#endif
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    __m128i least = _mm_set1_epi8((char)0xFF);
    for (; i + 64 <= count; i += 64) {
        const __m128i a = _mm_loadu_si128((const __m128i *)(bytes + i));
        const __m128i b = _mm_loadu_si128((const __m128i *)(bytes + i + 16));
        const __m128i c = _mm_loadu_si128((const __m128i *)(bytes + i + 32));
        const __m128i d = _mm_loadu_si128((const __m128i *)(bytes + i + 48));
        uint64_t mask = (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, lf))
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, lf)) << 16
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(c, lf)) << 32
            | (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(d, lf)) << 48;
        least = _mm_min_epu8(least, _mm_min_epu8(_mm_min_epu8(a, b), _mm_min_epu8(c, d)));
        while (mask != 0) {
            ends[found++] = (int32_t)(i + (size_t)__builtin_ctzll(mask));
            mask &= mask - 1;
        }
    }
    nul = _mm_movemask_epi8(_mm_cmpeq_epi8(least, _mm_setzero_si128())) != 0;
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
