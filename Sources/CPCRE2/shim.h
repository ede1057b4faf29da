#pragma once
#define PCRE2_CODE_UNIT_WIDTH 8          /* must come before pcre2.h */
#include <pcre2.h>

/* Swift does not import macros that contain casts: re-export them as functions. */
static inline PCRE2_SIZE shim_pcre2_unset(void) { return PCRE2_UNSET; }
