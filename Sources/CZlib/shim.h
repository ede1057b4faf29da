#pragma once
#include <zlib.h>

/* inflateInit2 is a macro that passes the version and struct size: wrap it. */
static inline int shim_inflate_init_gzip(z_streamp stream) {
    /* 15 window bits + 32: detect gzip or zlib headers automatically. */
    return inflateInit2(stream, 15 + 32);
}
