#include "zip_shim.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

/// zlib counts in `uInt`; larger buffers are fed in pieces of at most this many bytes.
static const size_t piece = (size_t)UINT_MAX / 2;

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

cs_zip_inflate_status cs_zip_inflate_raw(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                                         size_t *produced, char error[256]) {
    z_stream z;
    memset(&z, 0, sizeof z);
    *produced = 0;
    error[0] = '\0';
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
        snprintf(error, 256, "zlib could not start: %s", z.msg ? z.msg : "out of memory");
        return CS_ZIP_INFLATE_DAMAGED;
    }
    size_t in_used = 0, out_used = 0;
    cs_zip_inflate_status status = CS_ZIP_INFLATE_TOO_SHORT;
    for (;;) {
        // Each pass either consumes input, produces output, or ends the loop.
        z.next_in = (Bytef *)(src + in_used);
        z.avail_in = (uInt)min_size(src_size - in_used, piece);
        z.next_out = dst + out_used;
        z.avail_out = (uInt)min_size(dst_size - out_used, piece);
        uInt in_before = z.avail_in, out_before = z.avail_out;
        int ret = inflate(&z, Z_NO_FLUSH);
        in_used += in_before - z.avail_in;
        out_used += out_before - z.avail_out;
        if (ret == Z_STREAM_END) {
            status = out_used == dst_size ? CS_ZIP_INFLATE_OK : CS_ZIP_INFLATE_TOO_SHORT;
            break;
        }
        if (ret == Z_NEED_DICT || ret == Z_DATA_ERROR || ret == Z_MEM_ERROR || ret == Z_STREAM_ERROR) {
            snprintf(error, 256, "%s", z.msg ? z.msg : "invalid deflate data");
            status = CS_ZIP_INFLATE_DAMAGED;
            break;
        }
        if (out_used == dst_size) {
            // Output is full but the stream has not ended: is there more?
            unsigned char probe;
            z.next_out = &probe;
            z.avail_out = 1;
            z.next_in = (Bytef *)(src + in_used);
            z.avail_in = (uInt)min_size(src_size - in_used, piece);
            ret = inflate(&z, Z_NO_FLUSH);
            if (ret == Z_STREAM_END && z.avail_out == 1) {
                status = CS_ZIP_INFLATE_OK;
            } else if (z.avail_out == 0) {
                status = CS_ZIP_INFLATE_TOO_LONG;
            } else if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_MEM_ERROR) {
                snprintf(error, 256, "%s", z.msg ? z.msg : "invalid deflate data");
                status = CS_ZIP_INFLATE_DAMAGED;
            } else {
                status = CS_ZIP_INFLATE_TOO_SHORT;
            }
            break;
        }
        if (in_before == z.avail_in && out_before == z.avail_out) {
            // No progress possible: the input is exhausted before the stream ended.
            status = CS_ZIP_INFLATE_TOO_SHORT;
            break;
        }
    }
    *produced = out_used;
    inflateEnd(&z);
    return status;
}

size_t cs_zip_deflate_bound(size_t size) {
    // zlib's own bound for one call, plus the per-piece block overhead when the input is fed in pieces.
    return size + size / 1000 + (size / piece + 1) * 64 + 64;
}

size_t cs_zip_deflate_raw(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_capacity) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    size_t in_used = 0, out_used = 0;
    int ret = Z_OK;
    while (ret == Z_OK) {
        z.next_in = (Bytef *)(src + in_used);
        z.avail_in = (uInt)min_size(src_size - in_used, piece);
        z.next_out = dst + out_used;
        z.avail_out = (uInt)min_size(dst_capacity - out_used, piece);
        uInt in_before = z.avail_in, out_before = z.avail_out;
        int flush = in_used + z.avail_in == src_size ? Z_FINISH : Z_NO_FLUSH;
        ret = deflate(&z, flush);
        in_used += in_before - z.avail_in;
        out_used += out_before - z.avail_out;
        if (ret == Z_BUF_ERROR || (ret == Z_OK && in_before == z.avail_in && out_before == z.avail_out)) {
            ret = Z_BUF_ERROR;  // no room left: the caller's buffer was too small
        }
    }
    deflateEnd(&z);
    return ret == Z_STREAM_END ? out_used : 0;
}

uint32_t cs_zip_crc32(const uint8_t *data, size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt n = (uInt)min_size(size, piece);
        crc = crc32(crc, data, n);
        data += n;
        size -= n;
    }
    return (uint32_t)crc;
}
