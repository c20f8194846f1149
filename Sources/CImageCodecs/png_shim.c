// PNG from and to memory over libpng (see png_shim.h). libpng reports errors by calling our error
// handler, which records the message and longjmps back to the setjmp in the calling function; no
// libpng call is ever made from Swift, so no longjmp can cross a Swift frame.
#include "png_shim.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Where the error and warning handlers put their text (one per call, so calls are independent).
typedef struct messages {
    char *error;
    size_t error_size;
    char *warnings;  ///< NULL: warnings are dropped
    size_t warnings_size;
} messages;

static void on_error(png_structp png, png_const_charp text) {
    messages *m = png_get_error_ptr(png);
    if (m != NULL && m->error != NULL && m->error_size > 0) {
        snprintf(m->error, m->error_size, "%s", text != NULL ? text : "unknown libpng error");
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    messages *m = png_get_error_ptr(png);
    if (m == NULL || m->warnings == NULL || m->warnings_size == 0 || text == NULL) return;
    size_t used = strlen(m->warnings);
    if (used + 1 >= m->warnings_size) return;
    snprintf(m->warnings + used, m->warnings_size - used, "%s%s", used > 0 ? "; " : "", text);
}

/// The unread rest of the input.
typedef struct reader {
    const uint8_t *data;
    size_t size;
    size_t offset;
} reader;

static void read_data(png_structp png, png_bytep dest, size_t count) {
    reader *r = png_get_io_ptr(png);
    if (count > r->size - r->offset) {
        png_error(png, "the file ends early (truncated)");
    }
    memcpy(dest, r->data + r->offset, count);
    r->offset += count;
}

/// Reads IHDR, pHYs and tRNS into `info` and sets up the transformations that give 8- or 16-bit
/// gray / gray+alpha / RGB / RGBA samples. Returns the number of interlace passes.
static int read_header(png_structp png, png_infop pinfo, cs_png_info *info) {
    png_read_info(png, pinfo);
    png_uint_32 width = 0, height = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(png, pinfo, &width, &height, &depth, &color, &interlace, NULL, NULL);
    info->width = width;
    info->height = height;
    info->file_bit_depth = depth;
    info->file_color_type = color;
    info->interlaced = interlace != PNG_INTERLACE_NONE;

    png_uint_32 px = 0, py = 0;
    int unit = 0;
    if (png_get_pHYs(png, pinfo, &px, &py, &unit) != 0) {
        info->phys_valid = 1;
        info->phys_unit_metre = unit == PNG_RESOLUTION_METER;
        info->phys_x = px;
        info->phys_y = py;
    }

    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, pinfo, PNG_INFO_tRNS) != 0) {
        info->has_trns = 1;
        png_set_tRNS_to_alpha(png);
    }
    // Samples are handed over little-endian whatever the host, as NDArray stores them.
    if (depth == 16) png_set_swap(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    info->channels = png_get_channels(png, pinfo);
    info->bit_depth = png_get_bit_depth(png, pinfo);
    return passes;
}

int cs_png_read(const uint8_t *data, size_t size, const cs_png_read_limits *limits, cs_png_info *info,
                uint8_t *pixels, size_t pixels_size) {
    memset(info, 0, sizeof *info);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(info->error, sizeof info->error, "the PNG signature is missing");
        return -1;
    }
    messages msgs = {info->error, sizeof info->error, info->warnings, sizeof info->warnings};
    reader input = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &msgs, on_error, on_warning);
    if (png == NULL) {
        snprintf(info->error, sizeof info->error, "libpng could not be initialised");
        return -1;
    }
    png_infop pinfo = png_create_info_struct(png);
    if (pinfo == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(info->error, sizeof info->error, "libpng could not be initialised");
        return -1;
    }
    // Set after the last pixel row: an error past that point (a damaged trailer) keeps the pixels.
    volatile int pixels_complete = 0;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &pinfo, NULL);
        if (pixels_complete) {
            info->trailer_error = 1;
            if (strlen(info->warnings) + strlen(info->error) + 3 < sizeof info->warnings) {
                if (info->warnings[0] != '\0') strcat(info->warnings, "; ");
                strcat(info->warnings, info->error);
            }
            info->error[0] = '\0';
            return 0;
        }
        return -1;
    }
    png_set_read_fn(png, &input, read_data);
    png_set_user_limits(png, limits->max_width, limits->max_height);
    png_set_chunk_malloc_max(png, limits->max_chunk_bytes);
    png_set_chunk_cache_max(png, 1000);  // at most this many unknown/text chunks are kept

    int passes = read_header(png, pinfo, info);
    if (pixels == NULL) {
        png_destroy_read_struct(&png, &pinfo, NULL);
        return 0;
    }
    size_t row_bytes = png_get_rowbytes(png, pinfo);
    size_t expected_row = (size_t)info->width * (size_t)info->channels * (size_t)(info->bit_depth / 8);
    if (row_bytes != expected_row || pixels_size / row_bytes != info->height || pixels_size % row_bytes != 0) {
        png_error(png, "internal: the pixel buffer does not match the image layout");
    }
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < info->height; y++) {
            png_read_row(png, pixels + (size_t)y * row_bytes, NULL);
        }
    }
    pixels_complete = 1;
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &pinfo, NULL);
    return 0;
}

static void write_data(png_structp png, png_bytep bytes, size_t count) {
    cs_png_buffer *out = png_get_io_ptr(png);
    if (count > SIZE_MAX - out->size) png_error(png, "the encoded PNG is too large");
    if (out->size + count > out->capacity) {
        size_t capacity = out->capacity > 0 ? out->capacity : 65536;
        while (capacity < out->size + count) {
            if (capacity > SIZE_MAX / 2) png_error(png, "the encoded PNG is too large");
            capacity *= 2;
        }
        uint8_t *grown = realloc(out->data, capacity);
        if (grown == NULL) png_error(png, "out of memory while encoding");
        out->data = grown;
        out->capacity = capacity;
    }
    memcpy(out->data + out->size, bytes, count);
    out->size += count;
}

static void flush_data(png_structp png) { (void)png; }

static int color_type_for(int32_t channels) {
    switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3: return PNG_COLOR_TYPE_RGB;
    default: return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

int cs_png_write(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels, int32_t bit_depth,
                 uint32_t phys_x, uint32_t phys_y, cs_png_buffer *out, char *error, size_t error_size) {
    out->data = NULL;
    out->size = 0;
    out->capacity = 0;
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || width == 0 || height == 0
        || width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX) {
        snprintf(error, error_size, "internal: invalid layout %ux%u, %d channels, %d bits", width, height,
                 channels, bit_depth);
        return -1;
    }
    messages msgs = {error, error_size, NULL, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &msgs, on_error, on_warning);
    if (png == NULL) {
        snprintf(error, error_size, "libpng could not be initialised");
        return -1;
    }
    png_infop pinfo = png_create_info_struct(png);
    if (pinfo == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(error, error_size, "libpng could not be initialised");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &pinfo);
        cs_png_buffer_free(out);
        return -1;
    }
    png_set_write_fn(png, out, write_data, flush_data);
    png_set_IHDR(png, pinfo, width, height, bit_depth, color_type_for(channels), PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (phys_x != 0 && phys_y != 0) png_set_pHYs(png, pinfo, phys_x, phys_y, PNG_RESOLUTION_METER);
    png_write_info(png, pinfo);
    // The caller's 16-bit samples are little-endian; PNG stores big-endian.
    if (bit_depth == 16) png_set_swap(png);
    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(bit_depth / 8);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, pixels + (size_t)y * row_bytes);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &pinfo);
    return 0;
}

void cs_png_buffer_free(cs_png_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->capacity = 0;
}
