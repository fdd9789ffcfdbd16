// C shim over libpng for ddpm's DataIO target.
// libpng reports errors by longjmp, which Swift cannot catch, so every setjmp lives in ddpm_png.c
// and each function here returns 0 on success or -1 with a one-line message in `err`.
// This header is the whole surface Swift sees; it does not re-export <png.h>.
#ifndef DDPM_PNG_H
#define DDPM_PNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A decoded PNG: 8-bit samples, row-major, interleaved (HWC), `channels` = 1 (gray) or 3 (RGB).
/// Text entries keep file order. Free with ddpm_png_image_free.
typedef struct ddpm_png_image {
    int width;
    int height;
    int channels;
    uint8_t *pixels;          // height * width * channels bytes
    int ntext;
    char **keys;              // ntext NUL-terminated keywords (Latin-1; ASCII in practice)
    char **values;            // ntext NUL-terminated values
    int *value_is_utf8;       // 1 for iTXt (UTF-8), 0 for tEXt/zTXt (Latin-1)
} ddpm_png_image;

/// Reads `path` into `out`, converting every PNG flavour to 8-bit gray or RGB:
/// palette -> RGB; gray at 1/2/4 bits -> 8 bits; 16-bit -> 8-bit with rounding (png_set_scale_16);
/// alpha, and tRNS transparency, is composited onto black: v = round(c * a / 255).
/// No gamma correction is applied: samples are returned as stored.
/// Collects every tEXt, zTXt and iTXt chunk, before and after the image data.
/// Returns 0, or -1 with err = "<path>: <reason>" and `out` zeroed.
int ddpm_png_read(const char *path, ddpm_png_image *out, char *err, size_t errlen);

/// Frees what ddpm_png_read allocated and zeroes `img`. Safe on a zeroed struct.
void ddpm_png_image_free(ddpm_png_image *img);

/// Writes an 8-bit gray (channels 1) or RGB (channels 3) image from HWC `pixels`.
/// Creates `path` exclusively (fopen "wbx"): it fails if the file exists, because callers write a
/// fresh temporary file and rename it into place. Error messages name `display_path` (the final
/// destination the user asked for) rather than the temporary path; pass NULL to use `path`.
/// Text entries are written as tEXt when key and value are printable ASCII, iTXt (UTF-8) otherwise;
/// values longer than 512 bytes are zlib-compressed (zTXt / compressed iTXt).
/// Keys must be 1-79 bytes of printable ASCII without leading, trailing or doubled spaces
/// (the PNG keyword rule); the Swift layer checks this before calling.
int ddpm_png_write(const char *path, const char *display_path,
                   const uint8_t *pixels, int width, int height, int channels,
                   const char *const *keys, const char *const *values, int ntext,
                   char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
