/* Writes the CMYK JPEGs of tests/e2e/test_images.sh: 64 x 48, solid pure cyan, stored inverted
 * with an Adobe marker as Adobe software writes CMYK (cmyk.jpg), or, given "plain", as plain
 * CMYK without the marker (cmyk-plain.jpg). Made once; build and run with
 * cc make_cmyk_jpeg.c -ljpeg -o /tmp/m && /tmp/m > cmyk.jpg && /tmp/m plain > cmyk-plain.jpg */
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

int main(int argc, char **argv)
{
    int plain = argc > 1 && strcmp(argv[1], "plain") == 0;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, stdout);
    c.image_width = 64;
    c.image_height = 48;
    c.input_components = 4;
    c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    c.write_Adobe_marker = plain ? FALSE : TRUE;
    jpeg_start_compress(&c, TRUE);
    JSAMPLE row[64 * 4];
    for (int x = 0; x < 64; x++) { /* C M Y K = 100% 0 0 0; inverted: 0 255 255 255 */
        row[x * 4] = plain ? 255 : 0;
        row[x * 4 + 1] = row[x * 4 + 2] = row[x * 4 + 3] = plain ? 0 : 255;
    }
    JSAMPROW rows[1] = {row};
    while (c.next_scanline < c.image_height)
        jpeg_write_scanlines(&c, rows, 1);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return 0;
}
