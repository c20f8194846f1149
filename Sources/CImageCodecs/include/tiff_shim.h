#ifndef CIMAGECODECS_TIFF_SHIM_H
#define CIMAGECODECS_TIFF_SHIM_H
// In-memory TIFF reading and writing over libtiff, with libtiff's errors and warnings captured per
// handle (never printed) and libtiff's own allocations capped. Used by ImageFormats/TIFF*.swift.
#include <stddef.h>
#include <stdint.h>

#define CS_TIFF_MESSAGE_CAPACITY 512

/// The first error and the last warning libtiff reported on one handle.
typedef struct {
    char error[CS_TIFF_MESSAGE_CAPACITY];
    char warning[CS_TIFF_MESSAGE_CAPACITY];
} cs_tiff_messages;

/// What one page (IFD) declares. Sizes are as stated in the file, not yet validated against data.
typedef struct {
    uint32_t width, height;
    uint16_t bits_per_sample, samples_per_pixel;
    uint16_t sample_format;  // SAMPLEFORMAT_*; 1 (unsigned) when absent
    uint16_t planar_config;  // 1 contiguous, 2 separate
    uint16_t photometric;    // PHOTOMETRIC_*; 0xFFFF when absent
    uint16_t compression;    // COMPRESSION_*
    uint16_t resolution_unit;  // 1 none, 2 inch, 3 cm
    uint16_t is_tiled;
    uint32_t tile_width, tile_length;
    uint32_t subfile_type;   // NewSubfileType bits (1 = reduced resolution)
    uint32_t subifd_count;   // number of SubIFDs (pyramid levels) this page points to
    float x_resolution, y_resolution;  // 0 when absent
} cs_tiff_page_info;

/// Where the current page's encoded strips or tiles lie in the file.
typedef struct {
    uint64_t strile_count;  // number of strips or tiles
    uint64_t raw_bytes;     // sum of their byte counts
    uint64_t raw_end;       // largest offset + byte count
} cs_tiff_data_extent;

typedef struct cs_tiff_reader cs_tiff_reader;

/// 1 when this libtiff build can decode `compression` (a COMPRESSION_* value).
int cs_tiff_codec_available(uint16_t compression);

/// Opens the TIFF in `data[0..<size]` (which must stay valid until `cs_tiff_reader_close`).
/// `max_single_alloc` caps each allocation libtiff makes (0: libtiff's default). Returns NULL with the
/// reason in `messages` when the header or first directory cannot be read.
cs_tiff_reader *cs_tiff_reader_open(const uint8_t *data, size_t size, uint64_t max_single_alloc,
                                    cs_tiff_messages *messages);
void cs_tiff_reader_close(cs_tiff_reader *reader);
/// Messages collected so far on this reader.
const cs_tiff_messages *cs_tiff_reader_messages(const cs_tiff_reader *reader);
int cs_tiff_reader_is_bigtiff(const cs_tiff_reader *reader);
int cs_tiff_reader_is_big_endian(const cs_tiff_reader *reader);

/// Makes the first page current (returns 1), or 0 on error.
int cs_tiff_rewind(cs_tiff_reader *reader);
/// Advances to the next page of the main IFD chain: 1 done, 0 no more pages, -1 error.
int cs_tiff_next_page(cs_tiff_reader *reader);
/// Describes the current page; 0 with a message when its tags are unusable.
int cs_tiff_page_info_get(cs_tiff_reader *reader, cs_tiff_page_info *info);
/// Sums the current page's strip/tile byte counts (call after checking the page's size against limits:
/// it visits every strip). 0 with a message when libtiff cannot load them.
int cs_tiff_data_extent_get(cs_tiff_reader *reader, cs_tiff_data_extent *extent);
/// The current page's ImageDescription (NUL-terminated by libtiff), or NULL.
const char *cs_tiff_description(cs_tiff_reader *reader);
/// The current page's ImageJ metadata tags (IJMetadataByteCounts 50838, IJMetadata 50839):
/// 1 when both are present with the expected types, else 0. Pointers stay valid until the page changes.
int cs_tiff_imagej_metadata(cs_tiff_reader *reader, const uint32_t **counts, uint32_t *count_count,
                            const uint8_t **bytes, uint32_t *byte_count);

/// Decodes the current page into `out` as planes `[samples][height][width]` of
/// `ceil(bits/8)`-byte samples in host byte order (1-bit data unpacked to one byte 0/1 per sample).
/// `out_size` must equal width*height*samples*bytes-per-sample. Returns 1, or 0 with a message.
int cs_tiff_read_page(cs_tiff_reader *reader, const cs_tiff_page_info *info, uint8_t *out, size_t out_size);

/// One page to write: `height` x `width` samples of `bits_per_sample` bits (8, 16, 32), one sample per pixel.
typedef struct {
    uint32_t width, height;
    uint16_t bits_per_sample;
    uint16_t sample_format;    // SAMPLEFORMAT_UINT / _INT / _IEEEFP
    int has_resolution;        // writes X/YResolution with ResolutionUnit NONE when set
    double x_resolution, y_resolution;
    const char *description;   // ImageDescription, or NULL
    const uint8_t *ij_metadata; uint32_t ij_metadata_size;        // IJMetadata bytes, or NULL
    const uint32_t *ij_metadata_counts; uint32_t ij_metadata_count_count;  // IJMetadataByteCounts
} cs_tiff_page_spec;

typedef struct cs_tiff_writer cs_tiff_writer;

/// Starts a TIFF in memory (BigTIFF when `bigtiff`). NULL with a message on failure.
cs_tiff_writer *cs_tiff_writer_open(int bigtiff, cs_tiff_messages *messages);
/// Appends one Deflate-compressed page; `pixels` holds height*width samples in host byte order.
/// Returns 1, or 0 with a message.
int cs_tiff_writer_add_page(cs_tiff_writer *writer, const cs_tiff_page_spec *spec, const void *pixels);
/// Completes the file: 1 with `*bytes`/`*size` pointing at the encoded file (valid until
/// `cs_tiff_writer_free`), or 0 with a message.
int cs_tiff_writer_finish(cs_tiff_writer *writer, const uint8_t **bytes, size_t *size);
const cs_tiff_messages *cs_tiff_writer_messages(const cs_tiff_writer *writer);
void cs_tiff_writer_free(cs_tiff_writer *writer);

#endif
