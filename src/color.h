/* Colour science for the map's design: relative luminance and contrast
 * ratio as WCAG 2 defines them, colour-vision deficiency simulation
 * (Machado, Oliveira and Fernandes 2009, severity 1), and the tints and
 * shades the thematic fills are derived from. Pure functions on values. */
#ifndef CRPV_COLOR_H
#define CRPV_COLOR_H

#include "scene.h"

typedef enum {
    CRPV_VISION_NORMAL,
    CRPV_VISION_DEUTERANOPIA,
    CRPV_VISION_PROTANOPIA,
} crpv_vision;
#define CRPV_N_VISIONS 3

/* WCAG 2 relative luminance of C's sRGB components (alpha ignored), 0..1. */
double crpv_color_luminance(crpv_color c);
/* WCAG 2 contrast ratio of A and B, 1..21, in either order. */
double crpv_color_contrast(crpv_color a, crpv_color b);
/* C as a viewer with VISION sees it (sRGB in and out, alpha kept). */
crpv_color crpv_color_simulate(crpv_color c, crpv_vision vision);
/* The smallest contrast ratio of A and B over the three visions. */
double crpv_color_contrast_all(crpv_color a, crpv_color b);
/* A over B with A's alpha: the colour an eye sees. */
crpv_color crpv_color_over(crpv_color a, crpv_color b);
/* (1 - T) A + T B, component-wise in sRGB, opaque. */
crpv_color crpv_color_mix(crpv_color a, crpv_color b, double t);
/* C mixed with TOWARD (white to lighten, black to darken) just enough that
 * its luminance reaches TARGET; C itself when it is already past it. */
crpv_color crpv_color_toward_luminance(crpv_color c, crpv_color toward, double target);
/* "#rrggbb" into BUF (8 bytes). Returns BUF. */
char *crpv_color_hex(crpv_color c, char buf[8]);

#endif
