// Writing single-sample pages (one per plane) into an in-memory TIFF with Deflate compression.
#include "tiff_shim_private.h"

#include <stdlib.h>
#include <string.h>

struct cs_tiff_writer {
    TIFF *tif;
    cs_stream stream;
    uint32_t pages;
    cs_tiff_messages messages;  // libtiff holds a pointer to this: the struct never moves
};

// Deflate works better on larger strips; 256 KiB keeps memory small and stays readable by ImageJ.
static const uint64_t cs_target_strip_bytes = 256 * 1024;

cs_tiff_writer *cs_tiff_writer_open(int bigtiff, cs_tiff_messages *messages) {
    cs_tiff_writer *w = calloc(1, sizeof *w);
    if (!w) {
        cs_set_error(messages, "out of memory");
        return NULL;
    }
    w->stream.owned = 1;
    w->tif = cs_open(bigtiff ? "w8" : "w", &w->stream, 0, &w->messages);
    if (!w->tif) {
        *messages = w->messages;
        free(w->stream.bytes);
        free(w);
        return NULL;
    }
    return w;
}

const cs_tiff_messages *cs_tiff_writer_messages(const cs_tiff_writer *w) { return &w->messages; }

void cs_tiff_writer_free(cs_tiff_writer *w) {
    if (!w) return;
    if (w->tif) TIFFClose(w->tif);
    free(w->stream.bytes);
    free(w);
}

// ImageJ's private tags are unknown to libtiff; registering them on this handle (for the current
// directory only) lets TIFFSetField write them.
static int cs_register_imagej_tags(TIFF *tif) {
    static const TIFFFieldInfo fields[] = {
        {50838, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_LONG, FIELD_CUSTOM, 1, 1, (char *)"IJMetadataByteCounts"},
        {50839, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_BYTE, FIELD_CUSTOM, 1, 1, (char *)"IJMetadata"},
    };
    return TIFFMergeFieldInfo(tif, fields, 2) == 0;
}

static int cs_set_tags(cs_tiff_writer *w, const cs_tiff_page_spec *spec, uint32_t rows_per_strip) {
    TIFF *tif = w->tif;
    int ok = TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, spec->width) && TIFFSetField(tif, TIFFTAG_IMAGELENGTH, spec->height)
        && TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, spec->bits_per_sample)
        && TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1) && TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, spec->sample_format)
        && TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK)
        && TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG)
        && TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE)
        && TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
    // Horizontal differencing shrinks 8/16-bit microscopy data and every ImageJ reads it.
    if (ok && spec->sample_format != SAMPLEFORMAT_IEEEFP && spec->bits_per_sample <= 16)
        ok = TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    if (ok && spec->has_resolution)
        ok = TIFFSetField(tif, TIFFTAG_XRESOLUTION, spec->x_resolution)
            && TIFFSetField(tif, TIFFTAG_YRESOLUTION, spec->y_resolution)
            && TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
    if (ok && spec->description) ok = TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, spec->description);
    if (ok && spec->ij_metadata && spec->ij_metadata_counts) {
        ok = cs_register_imagej_tags(tif)
            && TIFFSetField(tif, 50838, spec->ij_metadata_count_count, spec->ij_metadata_counts)
            && TIFFSetField(tif, 50839, spec->ij_metadata_size, spec->ij_metadata);
    }
    if (!ok) cs_set_error(&w->messages, "cannot set the tags of page %u", (unsigned)w->pages);
    return ok;
}

int cs_tiff_writer_add_page(cs_tiff_writer *w, const cs_tiff_page_spec *spec, const void *pixels) {
    cs_clear(&w->messages);
    uint16_t bits = spec->bits_per_sample;
    if (!w->tif || spec->width == 0 || spec->height == 0 || (bits != 8 && bits != 16 && bits != 32)) {
        cs_set_error(&w->messages, "invalid page: %ux%u, %u-bit", spec->width, spec->height, bits);
        return 0;
    }
    const uint64_t row_bytes = (uint64_t)spec->width * (bits / 8);
    uint64_t rows = cs_target_strip_bytes / row_bytes;
    if (rows == 0) rows = 1;
    if (rows > spec->height) rows = spec->height;
    if (!cs_set_tags(w, spec, (uint32_t)rows)) return 0;
    // libtiff's predictor rewrites the buffer it is given, so each strip goes through a scratch copy.
    uint8_t *scratch = malloc((size_t)(rows * row_bytes));
    if (!scratch) {
        cs_set_error(&w->messages, "out of memory");
        return 0;
    }
    const uint8_t *src = pixels;
    uint32_t strips = (uint32_t)((spec->height - 1) / rows + 1);
    int ok = 1;
    for (uint32_t s = 0; ok && s < strips; s++) {
        uint64_t y0 = s * rows;
        uint64_t n = spec->height - y0 < rows ? spec->height - y0 : rows;
        memcpy(scratch, src + y0 * row_bytes, (size_t)(n * row_bytes));
        ok = TIFFWriteEncodedStrip(w->tif, s, scratch, (tmsize_t)(n * row_bytes)) >= 0;
    }
    free(scratch);
    if (ok) ok = TIFFWriteDirectory(w->tif);
    if (!ok) cs_set_error(&w->messages, "cannot write page %u", (unsigned)w->pages);
    w->pages++;
    return ok;
}

int cs_tiff_writer_finish(cs_tiff_writer *w, const uint8_t **bytes, size_t *size) {
    cs_clear(&w->messages);
    if (!w->tif || w->pages == 0) {
        cs_set_error(&w->messages, "no pages were written");
        return 0;
    }
    TIFFClose(w->tif);  // the stream's close proc keeps the buffer
    w->tif = NULL;
    if (w->messages.error[0] != '\0') return 0;
    *bytes = w->stream.bytes;
    *size = (size_t)w->stream.size;
    return 1;
}
