// libpng read/write for ddpm: 8-bit gray/RGB pixels plus text chunks, nothing else.
// libpng signals errors by longjmp. Each public function keeps its mutable state in a struct owned
// by the caller frame and runs libpng inside a helper holding the setjmp, so no automatic variable
// modified after setjmp is read after a longjmp (C11 7.13.2.1).
#include "ddpm_png.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// zlib level 6 is libpng's default trade-off; sample grids are small, so smaller files are not
// worth the slower levels 7-9.
enum { compression_level = 6 };
// Text values longer than this are compressed; provenance (a resolved YAML config) can be a few KB.
enum { compress_text_above = 512 };
// Refuse to allocate more than this for decoded pixels: a corrupt or hostile header could
// otherwise ask for terabytes (libpng's own limit is 1,000,000 x 1,000,000).
static const size_t max_decoded_bytes = (size_t)1 << 30;

static void set_error(char *err, size_t errlen, const char *path, const char *msg) {
    if (err != NULL && errlen > 0) snprintf(err, errlen, "%s: %s", path, msg);
}

// Library code never prints: warnings (e.g. a known-incorrect sRGB profile) are dropped.
static void ignore_warning(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

// Where libpng error messages land before the longjmp; one handler serves read and write.
typedef struct error_slot {
    char msg[256];
} error_slot;

static void record_error_and_jump(png_structp png, png_const_charp msg) {
    error_slot *slot = (error_slot *)png_get_error_ptr(png);
    snprintf(slot->msg, sizeof slot->msg, "%s", msg);
    png_longjmp(png, 1);
}

// MARK: - Read

typedef struct read_state {
    error_slot error;  // handed to libpng as the error pointer
    FILE *file;
    png_structp png;
    png_infop info;
    uint8_t *pixels;
    png_bytep *rows;
    int width, height, channels;
} read_state;

// Our own read callback so a short file says "truncated" instead of libpng's bare "Read Error".
static void read_data(png_structp png, png_bytep data, size_t length) {
    read_state *s = (read_state *)png_get_io_ptr(png);
    if (fread(data, 1, length, s->file) != length) {
        png_error(png, ferror(s->file) ? strerror(errno) : "unexpected end of file (truncated PNG?)");
    }
}

// Composites alpha onto black in place and drops the alpha channel: v = round(c * a / 255).
// Output index never exceeds input index, so the forward in-place pass is safe.
static void composite_on_black(uint8_t *pixels, size_t count, int channels_with_alpha) {
    int color = channels_with_alpha - 1;
    for (size_t p = 0; p < count; p++) {
        const uint8_t *in = pixels + p * (size_t)channels_with_alpha;
        uint8_t *out = pixels + p * (size_t)color;
        unsigned a = in[color];
        for (int c = 0; c < color; c++) out[c] = (uint8_t)((in[c] * a + 127) / 255);
    }
}

// Holds the setjmp. Returns 0 with s->pixels/width/height/channels set, or -1 with s->error set.
static int decode(read_state *s) {
    if (setjmp(png_jmpbuf(s->png))) return -1;
    png_set_read_fn(s->png, s, read_data);
    png_set_sig_bytes(s->png, 8);
    png_read_info(s->png, s->info);

    png_uint_32 width, height;
    int bit_depth, color_type;
    png_get_IHDR(s->png, s->info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);

    // 1. Normalise every flavour to 8-bit gray, gray+alpha, RGB or RGBA.
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(s->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(s->png);
    if (png_get_valid(s->png, s->info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(s->png);
    if (bit_depth == 16) png_set_scale_16(s->png);  // rounds; png_set_strip_16 would truncate
    png_set_interlace_handling(s->png);
    png_read_update_info(s->png, s->info);

    // 2. Allocate after the header is known, bounded by max_decoded_bytes.
    int channels = png_get_channels(s->png, s->info);
    size_t rowbytes = png_get_rowbytes(s->png, s->info);
    if (rowbytes != (size_t)width * (size_t)channels) png_error(s->png, "unexpected row layout after transforms");
    if (rowbytes == 0 || (size_t)height > max_decoded_bytes / rowbytes) png_error(s->png, "image too large to decode");
    s->pixels = (uint8_t *)malloc(rowbytes * height);
    s->rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (s->pixels == NULL || s->rows == NULL) png_error(s->png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) s->rows[y] = s->pixels + (size_t)y * rowbytes;

    // 3. Decode, then read the chunks after IDAT too (text may follow the image data).
    png_read_image(s->png, s->rows);
    png_read_end(s->png, s->info);

    if (channels == 2 || channels == 4) {
        composite_on_black(s->pixels, (size_t)width * height, channels);
        channels -= 1;
    }
    s->width = (int)width;
    s->height = (int)height;
    s->channels = channels;
    return 0;
}

// strdup is POSIX, not ISO C; this keeps the file building with -std=c11.
static char *copy_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = (char *)malloc(n);
    if (copy != NULL) memcpy(copy, s, n);
    return copy;
}

// Copies libpng's text entries into `out`; no libpng call here can longjmp.
static int copy_text(read_state *s, ddpm_png_image *out) {
    png_textp text = NULL;
    int n = png_get_text(s->png, s->info, &text, NULL);
    if (n <= 0) return 0;
    out->keys = (char **)calloc((size_t)n, sizeof(char *));
    out->values = (char **)calloc((size_t)n, sizeof(char *));
    out->value_is_utf8 = (int *)calloc((size_t)n, sizeof(int));
    if (out->keys == NULL || out->values == NULL || out->value_is_utf8 == NULL) return -1;
    out->ntext = n;
    for (int i = 0; i < n; i++) {
        out->keys[i] = copy_string(text[i].key);
        out->values[i] = copy_string(text[i].text != NULL ? text[i].text : "");
        if (out->keys[i] == NULL || out->values[i] == NULL) return -1;
        out->value_is_utf8[i] = text[i].compression >= PNG_ITXT_COMPRESSION_NONE;
    }
    return 0;
}

int ddpm_png_read(const char *path, ddpm_png_image *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    read_state s;
    memset(&s, 0, sizeof s);

    s.file = fopen(path, "rb");
    if (s.file == NULL) {
        set_error(err, errlen, path, strerror(errno));
        return -1;
    }
    // Check the signature ourselves so a non-PNG file gets a plain message.
    png_byte signature[8];
    size_t got = fread(signature, 1, sizeof signature, s.file);
    if (got != sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
        set_error(err, errlen, path, got == 0 ? "empty file, expected a PNG" : "not a PNG file (bad signature)");
        fclose(s.file);
        return -1;
    }

    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s.error, record_error_and_jump, ignore_warning);
    if (s.png != NULL) s.info = png_create_info_struct(s.png);
    int status;
    if (s.png == NULL || s.info == NULL) {
        snprintf(s.error.msg, sizeof s.error.msg, "out of memory");
        status = -1;
    } else {
        status = decode(&s);
    }
    if (status == 0) {
        out->width = s.width;
        out->height = s.height;
        out->channels = s.channels;
        out->pixels = s.pixels;
        s.pixels = NULL;
        if (copy_text(&s, out) != 0) {
            snprintf(s.error.msg, sizeof s.error.msg, "out of memory");
            ddpm_png_image_free(out);
            status = -1;
        }
    }
    if (status != 0) set_error(err, errlen, path, s.error.msg);

    png_destroy_read_struct(s.png != NULL ? &s.png : NULL, s.info != NULL ? &s.info : NULL, NULL);
    free(s.pixels);
    free(s.rows);
    fclose(s.file);
    return status;
}

void ddpm_png_image_free(ddpm_png_image *img) {
    if (img == NULL) return;
    for (int i = 0; i < img->ntext; i++) {
        if (img->keys != NULL) free(img->keys[i]);
        if (img->values != NULL) free(img->values[i]);
    }
    free(img->keys);
    free(img->values);
    free(img->value_is_utf8);
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

// MARK: - Write

typedef struct write_state {
    error_slot error;  // handed to libpng as the error pointer
    FILE *file;
    png_structp png;
    png_infop info;
    png_bytep *rows;
    png_textp text;
} write_state;

// Our own write callback so a full disk reports strerror ("No space left on device").
static void write_data(png_structp png, png_bytep data, size_t length) {
    write_state *s = (write_state *)png_get_io_ptr(png);
    if (fwrite(data, 1, length, s->file) != length) png_error(png, strerror(errno));
}

// fclose flushes and its result is checked, so there is nothing to do here.
static void flush_data(png_structp png) { (void)png; }

static int is_plain_ascii(const char *s) {
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c != '\n' && (c < 0x20 || c > 0x7e)) return 0;
    }
    return 1;
}

// Holds the setjmp. s->rows and s->text are prepared by the caller.
static int encode(write_state *s, int width, int height, int channels, int ntext) {
    if (setjmp(png_jmpbuf(s->png))) return -1;
    png_set_write_fn(s->png, s, write_data, flush_data);
    png_set_compression_level(s->png, compression_level);
    png_set_IHDR(s->png, s->info, (png_uint_32)width, (png_uint_32)height, 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (ntext > 0) png_set_text(s->png, s->info, s->text, ntext);
    png_write_info(s->png, s->info);
    png_write_image(s->png, s->rows);
    png_write_end(s->png, NULL);
    return 0;
}

int ddpm_png_write(const char *path, const char *display_path,
                   const uint8_t *pixels, int width, int height, int channels,
                   const char *const *keys, const char *const *values, int ntext,
                   char *err, size_t errlen) {
    const char *name = display_path != NULL ? display_path : path;
    if (pixels == NULL || width <= 0 || height <= 0 || (channels != 1 && channels != 3) || ntext < 0 ||
        (ntext > 0 && (keys == NULL || values == NULL))) {
        set_error(err, errlen, name, "invalid arguments to ddpm_png_write");
        return -1;
    }
    write_state s;
    memset(&s, 0, sizeof s);

    s.file = fopen(path, "wbx");
    if (s.file == NULL) {
        set_error(err, errlen, name, strerror(errno));
        return -1;
    }
    s.rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    s.text = ntext > 0 ? (png_textp)calloc((size_t)ntext, sizeof(png_text)) : NULL;
    s.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &s.error, record_error_and_jump, ignore_warning);
    if (s.png != NULL) s.info = png_create_info_struct(s.png);

    int status;
    if (s.rows == NULL || (ntext > 0 && s.text == NULL) || s.png == NULL || s.info == NULL) {
        snprintf(s.error.msg, sizeof s.error.msg, "out of memory");
        status = -1;
    } else {
        size_t rowbytes = (size_t)width * (size_t)channels;
        // libpng takes non-const row pointers but only reads them when writing.
        for (int y = 0; y < height; y++) s.rows[y] = (png_bytep)(pixels + (size_t)y * rowbytes);
        for (int i = 0; i < ntext; i++) {
            int plain = is_plain_ascii(keys[i]) && is_plain_ascii(values[i]);
            int big = strlen(values[i]) > compress_text_above;
            // tEXt/zTXt are Latin-1 only; anything beyond ASCII goes in iTXt, which is UTF-8.
            s.text[i].compression = plain ? (big ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE)
                                          : (big ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE);
            s.text[i].key = (png_charp)keys[i];
            s.text[i].text = (png_charp)values[i];
        }
        status = encode(&s, width, height, channels, ntext);
    }
    if (s.png != NULL) png_destroy_write_struct(&s.png, s.info != NULL ? &s.info : NULL);
    free(s.rows);
    free(s.text);
    // fclose writes the last buffered bytes, so its failure is a write failure.
    if (fclose(s.file) != 0 && status == 0) {
        snprintf(s.error.msg, sizeof s.error.msg, "%s", strerror(errno));
        status = -1;
    }
    if (status != 0) set_error(err, errlen, name, s.error.msg);
    return status;
}
