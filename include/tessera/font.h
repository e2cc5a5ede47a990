/*
 * The built-in 8x16 bitmap font used by the framebuffer console. Glyphs
 * cover printable ASCII only; callers draw their own stand-in for the rest.
 */
#ifndef TESSERA_FONT_H
#define TESSERA_FONT_H

#define FONT_WIDTH   8
#define FONT_HEIGHT  16
#define FONT_FIRST   0x20          /* space */
#define FONT_LAST    0x7e          /* '~' */

/* One byte per pixel row, top row first; bit 7 is the leftmost pixel. */
extern const unsigned char font_8x16[95][16];

#endif
