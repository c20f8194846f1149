// In-memory TIFF I/O over libtiff for ImageFormats (see include/tiff_shim.h).
//
// Why C: libtiff reports problems through variadic callbacks and reads through client procs; both are
// plain C function pointers. Messages go into a per-handle buffer (libtiff 4.5's TIFFOpenOptions
// handlers with user data), so concurrent decodes never share state and nothing is printed.
#include "tiff_shim_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Messages

static void cs_format(char *dst, const char *module, const char *fmt, va_list ap) {
    char text[CS_TIFF_MESSAGE_CAPACITY];
    vsnprintf(text, sizeof text, fmt, ap);
    if (module && *module) snprintf(dst, CS_TIFF_MESSAGE_CAPACITY, "%s: %s", module, text);
    else snprintf(dst, CS_TIFF_MESSAGE_CAPACITY, "%s", text);
}

// The first error is kept: later ones are usually consequences of it.
static int cs_on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    cs_tiff_messages *m = user;
    if (m->error[0] == '\0') cs_format(m->error, module, fmt, ap);
    return 1;  // handled: libtiff must not also print it
}

static int cs_on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    cs_format(((cs_tiff_messages *)user)->warning, module, fmt, ap);
    return 1;
}

void cs_set_error(cs_tiff_messages *m, const char *fmt, ...) {
    if (m->error[0] != '\0') return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error, CS_TIFF_MESSAGE_CAPACITY, fmt, ap);
    va_end(ap);
}

void cs_clear(cs_tiff_messages *m) {
    m->error[0] = '\0';
    m->warning[0] = '\0';
}

// MARK: - Memory streams

static tmsize_t cs_stream_read(thandle_t h, void *buf, tmsize_t n) {
    cs_stream *s = h;
    if (n <= 0 || s->pos >= s->size) return 0;
    uint64_t available = s->size - s->pos;
    uint64_t count = (uint64_t)n < available ? (uint64_t)n : available;
    memcpy(buf, s->bytes + s->pos, (size_t)count);
    s->pos += count;
    return (tmsize_t)count;
}

static int cs_stream_reserve(cs_stream *s, uint64_t needed) {
    if (needed <= s->capacity) return 1;
    uint64_t capacity = s->capacity ? s->capacity : 65536;
    while (capacity < needed) {
        if (capacity > UINT64_MAX / 2) return 0;
        capacity *= 2;
    }
    if (capacity > SIZE_MAX) return 0;
    uint8_t *grown = realloc(s->bytes, (size_t)capacity);
    if (!grown) return 0;
    s->bytes = grown;
    s->capacity = capacity;
    return 1;
}

static tmsize_t cs_stream_write(thandle_t h, void *buf, tmsize_t n) {
    cs_stream *s = h;
    if (!s->owned || n < 0) return -1;
    uint64_t end = s->pos + (uint64_t)n;
    if (end < s->pos || !cs_stream_reserve(s, end)) return -1;
    if (s->pos > s->size) memset(s->bytes + s->size, 0, (size_t)(s->pos - s->size));  // gap after a seek
    memcpy(s->bytes + s->pos, buf, (size_t)n);
    s->pos = end;
    if (end > s->size) s->size = end;
    return n;
}

static toff_t cs_stream_seek(thandle_t h, toff_t offset, int whence) {
    cs_stream *s = h;
    // libtiff passes negative relative offsets as wrapped unsigned values.
    int64_t delta = (int64_t)offset;
    int64_t base = whence == SEEK_CUR ? (int64_t)s->pos : whence == SEEK_END ? (int64_t)s->size : 0;
    if (whence == SEEK_SET) {
        if (offset > (toff_t)INT64_MAX) return (toff_t)-1;
        s->pos = offset;
        return s->pos;
    }
    if ((delta > 0 && base > INT64_MAX - delta) || base + delta < 0) return (toff_t)-1;
    s->pos = (uint64_t)(base + delta);
    return s->pos;
}

static int cs_stream_close(thandle_t h) { (void)h; return 0; }
static toff_t cs_stream_size(thandle_t h) { return ((cs_stream *)h)->size; }
static int cs_stream_map(thandle_t h, void **base, toff_t *size) { (void)h; (void)base; (void)size; return 0; }
static void cs_stream_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

TIFF *cs_open(const char *mode, cs_stream *stream, uint64_t max_alloc, cs_tiff_messages *messages) {
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) {
        cs_set_error(messages, "out of memory");
        return NULL;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(opts, cs_on_error, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, cs_on_warning, messages);
    if (max_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)(max_alloc > INT64_MAX ? INT64_MAX : max_alloc));
    TIFF *tif = TIFFClientOpenExt("memory", mode, stream, cs_stream_read, cs_stream_write, cs_stream_seek,
                                  cs_stream_close, cs_stream_size, cs_stream_map, cs_stream_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif) cs_set_error(messages, "not a readable TIFF");
    return tif;
}

// MARK: - Reader

cs_tiff_reader *cs_tiff_reader_open(const uint8_t *data, size_t size, uint64_t max_single_alloc,
                                    cs_tiff_messages *messages) {
    cs_tiff_reader *r = calloc(1, sizeof *r);
    if (!r) {
        cs_set_error(messages, "out of memory");
        return NULL;
    }
    r->stream = (cs_stream){.bytes = (uint8_t *)data, .size = size, .capacity = size, .owned = 0};
    r->max_alloc = max_single_alloc;
    // "m": no memory mapping (the client procs read from the borrowed buffer; nothing is ever written to it).
    r->tif = cs_open("rm", &r->stream, max_single_alloc, &r->messages);
    if (!r->tif) {
        *messages = r->messages;
        free(r);
        return NULL;
    }
    return r;
}

void cs_tiff_reader_close(cs_tiff_reader *r) {
    if (!r) return;
    if (r->tif) TIFFClose(r->tif);
    free(r);
}

const cs_tiff_messages *cs_tiff_reader_messages(const cs_tiff_reader *r) { return &r->messages; }
int cs_tiff_codec_available(uint16_t compression) { return TIFFIsCODECConfigured(compression); }
int cs_tiff_reader_is_bigtiff(const cs_tiff_reader *r) { return TIFFIsBigTIFF(r->tif); }
int cs_tiff_reader_is_big_endian(const cs_tiff_reader *r) { return TIFFIsBigEndian(r->tif); }

int cs_tiff_rewind(cs_tiff_reader *r) {
    cs_clear(&r->messages);
    if (TIFFCurrentDirectory(r->tif) == 0) return 1;
    if (TIFFSetDirectory(r->tif, 0)) return 1;
    cs_set_error(&r->messages, "cannot return to the first page");
    return 0;
}

int cs_tiff_next_page(cs_tiff_reader *r) {
    cs_clear(&r->messages);
    if (TIFFLastDirectory(r->tif)) return 0;
    if (TIFFReadDirectory(r->tif)) return 1;
    cs_set_error(&r->messages, "cannot read page %u", (unsigned)TIFFCurrentDirectory(r->tif) + 1);
    return -1;
}

int cs_tiff_page_info_get(cs_tiff_reader *r, cs_tiff_page_info *info) {
    TIFF *tif = r->tif;
    cs_clear(&r->messages);
    memset(info, 0, sizeof *info);
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &info->width) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &info->height)) {
        cs_set_error(&r->messages, "the page has no ImageWidth/ImageLength");
        return 0;
    }
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &info->bits_per_sample);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &info->samples_per_pixel);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &info->sample_format);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &info->planar_config);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &info->compression);
    TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &info->resolution_unit);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &info->photometric)) info->photometric = 0xFFFF;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SUBFILETYPE, &info->subfile_type);
    uint16_t subifd_count = 0;
    uint64_t *subifds = NULL;
    if (TIFFGetField(tif, TIFFTAG_SUBIFD, &subifd_count, &subifds)) info->subifd_count = subifd_count;
    if (!TIFFGetField(tif, TIFFTAG_XRESOLUTION, &info->x_resolution)) info->x_resolution = 0;
    if (!TIFFGetField(tif, TIFFTAG_YRESOLUTION, &info->y_resolution)) info->y_resolution = 0;
    info->is_tiled = TIFFIsTiled(tif) ? 1 : 0;
    if (info->is_tiled) {
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &info->tile_width);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &info->tile_length);
    }
    return 1;
}

int cs_tiff_data_extent_get(cs_tiff_reader *r, cs_tiff_data_extent *extent) {
    TIFF *tif = r->tif;
    cs_clear(&r->messages);
    memset(extent, 0, sizeof *extent);
    uint32_t count = TIFFIsTiled(tif) ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    extent->strile_count = count;
    for (uint32_t i = 0; i < count; i++) {
        int err = 0;
        uint64_t offset = TIFFGetStrileOffsetWithErr(tif, i, &err);
        uint64_t bytes = err ? 0 : TIFFGetStrileByteCountWithErr(tif, i, &err);
        if (err) {
            cs_set_error(&r->messages, "cannot read the offset of strip/tile %u", (unsigned)i);
            return 0;
        }
        uint64_t end = offset + bytes;
        if (end < offset) end = UINT64_MAX;
        if (end > extent->raw_end) extent->raw_end = end;
        extent->raw_bytes = extent->raw_bytes > UINT64_MAX - bytes ? UINT64_MAX : extent->raw_bytes + bytes;
    }
    return 1;
}

const char *cs_tiff_description(cs_tiff_reader *r) {
    const char *text = NULL;
    return TIFFGetField(r->tif, TIFFTAG_IMAGEDESCRIPTION, &text) ? text : NULL;
}

// Fetches a tag libtiff registered anonymously (ImageJ's private tags) as (count, pointer),
// honouring the count width libtiff chose for it.
static int cs_get_array(TIFF *tif, uint32_t tag, TIFFDataType want, uint32_t *count, const void **values) {
    const TIFFField *field = TIFFFieldWithTag(tif, tag);
    if (!field || TIFFFieldDataType(field) != want || !TIFFFieldPassCount(field)) return 0;
    if (TIFFFieldReadCount(field) == TIFF_VARIABLE2) return TIFFGetField(tif, tag, count, values);
    uint16_t short_count = 0;
    if (!TIFFGetField(tif, tag, &short_count, values)) return 0;
    *count = short_count;
    return 1;
}

int cs_tiff_imagej_metadata(cs_tiff_reader *r, const uint32_t **counts, uint32_t *count_count,
                            const uint8_t **bytes, uint32_t *byte_count) {
    return cs_get_array(r->tif, 50838, TIFF_LONG, count_count, (const void **)counts)
        && cs_get_array(r->tif, 50839, TIFF_BYTE, byte_count, (const void **)bytes);
}
