// Decoding one TIFF page (strips or tiles, contiguous or planar) into sample planes.
#include "tiff_shim_private.h"

#include <stdlib.h>
#include <string.h>

// How the current page's samples are packed, and where they go in the output.
typedef struct {
    uint32_t width, height;
    uint16_t samples;        // samples per pixel
    uint16_t bits;           // 1, 8, 16, 32 or 64
    uint16_t out_bytes;      // bytes per output sample (1 for 1-bit data)
    uint16_t unit_samples;   // samples interleaved in one strip/tile: `samples` if contiguous, else 1
    uint8_t *out;
} cs_layout;

/// Bytes of `pixels` pixels of one strip/tile row, bits packed as the file packs them.
static uint64_t cs_row_bytes(const cs_layout *L, uint64_t pixels) {
    return (pixels * L->unit_samples * L->bits + 7) / 8;
}

/// Copies `n` pixels of one decoded row (`src`, starting at pixel 0 of the strip/tile) to output row
/// `y` from column `x0`. `plane` is the sample held by separate-planar data (ignored when contiguous).
static void cs_scatter_row(const cs_layout *L, const uint8_t *src, uint32_t plane, uint32_t y, uint32_t x0,
                           uint32_t n) {
    const size_t plane_size = (size_t)L->height * L->width * L->out_bytes;
    const size_t row_offset = ((size_t)y * L->width + x0) * L->out_bytes;
    if (L->unit_samples == 1 && L->bits != 1) {
        memcpy(L->out + plane * plane_size + row_offset, src, (size_t)n * L->out_bytes);
        return;
    }
    for (uint32_t k = 0; k < L->unit_samples; k++) {
        uint32_t sample = L->unit_samples == 1 ? plane : k;
        uint8_t *dst = L->out + sample * plane_size + row_offset;
        for (uint32_t x = 0; x < n; x++) {
            size_t index = (size_t)x * L->unit_samples + k;
            switch (L->out_bytes) {
            case 1:
                dst[x] = L->bits == 1 ? (src[index >> 3] >> (7 - (index & 7))) & 1 : src[index];
                break;
            case 2: memcpy(dst + 2 * x, src + 2 * index, 2); break;
            case 4: memcpy(dst + 4 * x, src + 4 * index, 4); break;
            default: memcpy(dst + 8 * x, src + 8 * index, 8); break;
            }
        }
    }
}

static int cs_decode_strips(cs_tiff_reader *r, const cs_layout *L, uint8_t *buffer, tmsize_t buffer_size) {
    uint32_t rows_per_strip = 0;
    TIFFGetFieldDefaulted(r->tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    if (rows_per_strip == 0 || rows_per_strip > L->height) rows_per_strip = L->height;
    const uint32_t strips_per_plane = (L->height - 1) / rows_per_strip + 1;
    const uint32_t planes = L->unit_samples == 1 ? L->samples : 1;
    const uint64_t row_bytes = cs_row_bytes(L, L->width);
    for (uint32_t p = 0; p < planes; p++) {
        for (uint32_t s = 0; s < strips_per_plane; s++) {
            uint32_t y0 = s * rows_per_strip;
            uint32_t rows = L->height - y0 < rows_per_strip ? L->height - y0 : rows_per_strip;
            tmsize_t need = (tmsize_t)(rows * row_bytes);
            if (need > buffer_size) {
                cs_set_error(&r->messages, "strip %u needs %lld bytes, more than libtiff's strip size", s, (long long)need);
                return 0;
            }
            tmsize_t got = TIFFReadEncodedStrip(r->tif, p * strips_per_plane + s, buffer, need);
            if (got < need) {
                cs_set_error(&r->messages, "strip %u holds %lld of its %lld bytes", p * strips_per_plane + s,
                             (long long)(got < 0 ? 0 : got), (long long)need);
                return 0;
            }
            for (uint32_t y = 0; y < rows; y++) cs_scatter_row(L, buffer + y * row_bytes, p, y0 + y, 0, L->width);
        }
    }
    return 1;
}

static int cs_decode_tiles(cs_tiff_reader *r, const cs_layout *L, uint8_t *buffer, tmsize_t buffer_size) {
    uint32_t tw = 0, tl = 0;
    TIFFGetField(r->tif, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(r->tif, TIFFTAG_TILELENGTH, &tl);
    const uint64_t row_bytes = cs_row_bytes(L, tw);
    if (tw == 0 || tl == 0 || (uint64_t)tl * row_bytes > (uint64_t)buffer_size) {
        cs_set_error(&r->messages, "tile size %ux%u is inconsistent", tw, tl);
        return 0;
    }
    const uint32_t planes = L->unit_samples == 1 ? L->samples : 1;
    for (uint32_t p = 0; p < planes; p++) {
        for (uint32_t y0 = 0; y0 < L->height; y0 += tl) {
            for (uint32_t x0 = 0; x0 < L->width; x0 += tw) {
                uint32_t tile = TIFFComputeTile(r->tif, x0, y0, 0, (uint16_t)p);
                tmsize_t got = TIFFReadEncodedTile(r->tif, tile, buffer, buffer_size);
                if (got < (tmsize_t)(tl * row_bytes)) {
                    cs_set_error(&r->messages, "tile %u cannot be decoded", tile);
                    return 0;
                }
                uint32_t rows = L->height - y0 < tl ? L->height - y0 : tl;
                uint32_t cols = L->width - x0 < tw ? L->width - x0 : tw;
                for (uint32_t y = 0; y < rows; y++) cs_scatter_row(L, buffer + y * row_bytes, p, y0 + y, x0, cols);
                if (x0 > UINT32_MAX - tw) break;  // the last tile column
            }
            if (y0 > UINT32_MAX - tl) break;  // the last tile row
        }
    }
    return 1;
}

int cs_tiff_read_page(cs_tiff_reader *r, const cs_tiff_page_info *info, uint8_t *out, size_t out_size) {
    cs_clear(&r->messages);
    uint16_t bits = info->bits_per_sample;
    if (bits != 1 && bits != 8 && bits != 16 && bits != 32 && bits != 64) {
        cs_set_error(&r->messages, "%u-bit samples cannot be decoded", bits);
        return 0;
    }
    cs_layout L = {
        .width = info->width, .height = info->height, .samples = info->samples_per_pixel, .bits = bits,
        .out_bytes = bits == 1 ? 1 : bits / 8,
        .unit_samples = info->planar_config == PLANARCONFIG_SEPARATE ? 1 : info->samples_per_pixel, .out = out,
    };
    uint64_t expected = 0;
    if (L.samples == 0 || __builtin_mul_overflow((uint64_t)L.width * L.height, (uint64_t)L.samples * L.out_bytes, &expected)
        || expected != out_size || L.width == 0 || L.height == 0) {
        cs_set_error(&r->messages, "page size %ux%ux%u does not match the output buffer", L.width, L.height, L.samples);
        return 0;
    }
    uint64_t unit_size = info->is_tiled ? TIFFTileSize64(r->tif) : TIFFStripSize64(r->tif);
    if (unit_size == 0 || (r->max_alloc > 0 && unit_size > r->max_alloc) || unit_size > (uint64_t)INT64_MAX) {
        cs_set_error(&r->messages, "a %s of %llu bytes is invalid or above the allocation limit",
                     info->is_tiled ? "tile" : "strip", (unsigned long long)unit_size);
        return 0;
    }
    uint8_t *buffer = malloc((size_t)unit_size);
    if (!buffer) {
        cs_set_error(&r->messages, "out of memory for a %llu-byte strip/tile", (unsigned long long)unit_size);
        return 0;
    }
    int ok = info->is_tiled ? cs_decode_tiles(r, &L, buffer, (tmsize_t)unit_size)
                            : cs_decode_strips(r, &L, buffer, (tmsize_t)unit_size);
    free(buffer);
    return ok;
}
