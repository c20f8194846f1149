#ifndef CIMAGECODECS_PNG_SHIM_H
#define CIMAGECODECS_PNG_SHIM_H
// PNG reading and writing from memory over libpng. libpng reports errors with longjmp, which must
// never cross Swift frames, so every libpng call happens inside these functions; errors and warnings
// come back as text in the structs below and nothing is printed.
#include <stddef.h>
#include <stdint.h>

/// What a PNG header says, and the layout of the pixels `cs_png_read` delivers.
typedef struct cs_png_info {
    uint32_t width;
    uint32_t height;
    int32_t file_bit_depth;   ///< bit depth as stored (1, 2, 4, 8, 16)
    int32_t file_color_type;  ///< 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
    int32_t interlaced;       ///< 1 for Adam7
    int32_t has_trns;         ///< a tRNS chunk was present (turned into an alpha channel)
    int32_t channels;         ///< delivered samples per pixel, 1...4 (gray, gray+alpha, RGB, RGBA)
    int32_t bit_depth;        ///< delivered bits per sample: 8, or 16 (little-endian)
    int32_t phys_valid;       ///< a pHYs chunk was present
    int32_t phys_unit_metre;  ///< pHYs unit is the metre (otherwise only an aspect ratio)
    uint32_t phys_x;          ///< pixels per unit along X
    uint32_t phys_y;          ///< pixels per unit along Y
    int32_t trailer_error;    ///< all pixels were read but the file is damaged after them (see warnings)
    char error[256];          ///< why a call failed
    char warnings[512];       ///< libpng warnings, "; "-separated, truncated when long
} cs_png_info;

/// Bounds libpng enforces while reading, so a lying header cannot make it allocate without limit.
typedef struct cs_png_read_limits {
    uint32_t max_width;
    uint32_t max_height;
    size_t max_chunk_bytes;  ///< largest ancillary chunk (or decompressed text/profile) held in memory
} cs_png_read_limits;

/// Reads the header of the PNG in `data` into `info` (when `pixels` is NULL), or the whole image into
/// `pixels`: rows top to bottom, samples interleaved, `info->channels` samples of `info->bit_depth`
/// bits each. Palettes are expanded to RGB, gray below 8 bits is scaled to 8 bits, tRNS becomes alpha,
/// interlacing is undone. `pixels_size` must equal width * height * channels * bit_depth / 8.
/// Returns 0 on success, -1 with `info->error` set otherwise.
int cs_png_read(const uint8_t *data, size_t size, const cs_png_read_limits *limits, cs_png_info *info,
                uint8_t *pixels, size_t pixels_size);

/// A growable output buffer owned by C; release with `cs_png_buffer_free`.
typedef struct cs_png_buffer {
    uint8_t *data;
    size_t size;
    size_t capacity;
} cs_png_buffer;

/// Encodes interleaved `pixels` (rows top to bottom; 16-bit samples little-endian) as a PNG with
/// `channels` 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) and `bit_depth` 8 or 16 into `out`.
/// Writes pHYs (pixels per metre) when `phys_x` and `phys_y` are both non-zero.
/// Returns 0 on success, -1 with `error` set otherwise (`out` is then empty).
int cs_png_write(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t bit_depth,
                 uint32_t phys_x, uint32_t phys_y, cs_png_buffer *out, char *error, size_t error_size);

/// Frees the memory of `buffer` and empties it.
void cs_png_buffer_free(cs_png_buffer *buffer);

#endif
