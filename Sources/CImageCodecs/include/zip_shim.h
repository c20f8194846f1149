#ifndef CIMAGECODECS_ZIP_SHIM_H
#define CIMAGECODECS_ZIP_SHIM_H
// Raw deflate and CRC-32 over zlib, for the zip reader and writer. Every call is bounded by the
// buffers it is given: a lying or damaged stream can neither write past `dst` nor loop forever.
#include <stddef.h>
#include <stdint.h>

/// Outcome of `cs_zip_inflate_raw`.
typedef enum cs_zip_inflate_status {
    CS_ZIP_INFLATE_OK = 0,         ///< the stream ended after exactly `dst_size` bytes
    CS_ZIP_INFLATE_DAMAGED = -1,   ///< zlib rejected the data (`error` says why)
    CS_ZIP_INFLATE_TOO_LONG = -2,  ///< the stream holds more than `dst_size` bytes
    CS_ZIP_INFLATE_TOO_SHORT = -3  ///< the input ran out, or the stream ended, before `dst_size` bytes
} cs_zip_inflate_status;

/// Inflates the raw deflate stream `src[0..<src_size]` (no zlib or gzip header, as in zip entries)
/// into `dst`, which must hold `dst_size` bytes. `*produced` receives the number of bytes written.
cs_zip_inflate_status cs_zip_inflate_raw(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_size,
                                         size_t *produced, char error[256]);

/// The largest raw deflate stream `cs_zip_deflate_raw` can produce from `size` bytes.
size_t cs_zip_deflate_bound(size_t size);

/// Deflates `src[0..<src_size]` into a raw stream (zlib level 6) in `dst`, which holds `dst_capacity`
/// bytes (at least `cs_zip_deflate_bound(src_size)`). Returns the stream's length, or 0 on failure.
size_t cs_zip_deflate_raw(const uint8_t *src, size_t src_size, uint8_t *dst, size_t dst_capacity);

/// The CRC-32 (the zip and PNG polynomial) of `data[0..<size]`.
uint32_t cs_zip_crc32(const uint8_t *data, size_t size);

#endif
