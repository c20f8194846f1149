#ifndef CIMAGECODECS_TIFF_SHIM_PRIVATE_H
#define CIMAGECODECS_TIFF_SHIM_PRIVATE_H
// Declarations shared by tiff_shim.c, tiff_shim_decode.c and tiff_shim_write.c (not exported to Swift).
#include "include/tiff_shim.h"

#include <tiffio.h>

/// One stream type serves both directions: reading borrows the caller's bytes (`owned` = 0), writing
/// grows an owned buffer.
typedef struct {
    uint8_t *bytes;
    uint64_t size, capacity, pos;
    int owned;
} cs_stream;

struct cs_tiff_reader {
    TIFF *tif;
    cs_stream stream;
    uint64_t max_alloc;
    cs_tiff_messages messages;  // libtiff holds a pointer to this: the struct never moves
};

/// Records `fmt` as the error unless one is already recorded.
void cs_set_error(cs_tiff_messages *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// Forgets the previous call's messages (messages are per call).
void cs_clear(cs_tiff_messages *m);
/// TIFFClientOpenExt over `stream` with messages captured into `messages` (which must outlive the handle).
TIFF *cs_open(const char *mode, cs_stream *stream, uint64_t max_alloc, cs_tiff_messages *messages);

#endif
