#include "color.h"

#include <glib.h>
#include <math.h>

static double to_linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double to_srgb(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

double crpv_color_luminance(crpv_color c)
{
    return 0.2126 * to_linear(c.r) + 0.7152 * to_linear(c.g) + 0.0722 * to_linear(c.b);
}

double crpv_color_contrast(crpv_color a, crpv_color b)
{
    double la = crpv_color_luminance(a), lb = crpv_color_luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* Machado et al. 2009, table of severity 1.0, applied to linear RGB as
 * their model assumes. */
static const double machado[CRPV_N_VISIONS][3][3] = {
    {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
    {{0.367322, 0.860646, -0.227968},
     {0.280085, 0.672501, 0.047413},
     {-0.011820, 0.042940, 0.968881}},
    {{0.152286, 1.052583, -0.204868},
     {0.114503, 0.786281, 0.099216},
     {-0.003882, -0.048116, 1.051998}},
};

crpv_color crpv_color_simulate(crpv_color c, crpv_vision vision)
{
    if (vision == CRPV_VISION_NORMAL)
        return c;
    const double(*m)[3] = machado[vision];
    double l[3] = {to_linear(c.r), to_linear(c.g), to_linear(c.b)};
    double o[3];
    for (int i = 0; i < 3; i++)
        o[i] = to_srgb(m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]);
    return (crpv_color){o[0], o[1], o[2], c.a};
}

double crpv_color_contrast_all(crpv_color a, crpv_color b)
{
    double worst = INFINITY;
    for (int v = 0; v < CRPV_N_VISIONS; v++)
        worst = fmin(worst, crpv_color_contrast(crpv_color_simulate(a, (crpv_vision)v),
                                                crpv_color_simulate(b, (crpv_vision)v)));
    return worst;
}

crpv_color crpv_color_over(crpv_color a, crpv_color b)
{
    double t = a.a;
    return (crpv_color){a.r * t + b.r * (1 - t), a.g * t + b.g * (1 - t), a.b * t + b.b * (1 - t),
                        1};
}

crpv_color crpv_color_mix(crpv_color a, crpv_color b, double t)
{
    return (crpv_color){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, 1};
}

crpv_color crpv_color_toward_luminance(crpv_color c, crpv_color toward, double target)
{
    c.a = 1;
    bool lighten = crpv_color_luminance(toward) > crpv_color_luminance(c);
    double l = crpv_color_luminance(c);
    if (lighten ? l >= target : l <= target)
        return c;
    /* Luminance is monotonic along the mix: bisect. */
    double lo = 0, hi = 1;
    for (int i = 0; i < 40; i++) {
        double mid = (lo + hi) / 2;
        double lm = crpv_color_luminance(crpv_color_mix(c, toward, mid));
        if (lighten ? lm < target : lm > target)
            lo = mid;
        else
            hi = mid;
    }
    /* Rounded to 8 bits, as every writer will: the result must keep its
     * luminance past TARGET once rounded. */
    crpv_color r = crpv_color_mix(c, toward, hi);
    r.r = round(r.r * 255) / 255;
    r.g = round(r.g * 255) / 255;
    r.b = round(r.b * 255) / 255;
    for (int i = 0; i < 3 && (lighten ? crpv_color_luminance(r) < target
                                      : crpv_color_luminance(r) > target);
         i++) {
        double step = lighten ? 1.0 / 255 : -1.0 / 255;
        r.r = fmin(1, fmax(0, r.r + step));
        r.g = fmin(1, fmax(0, r.g + step));
        r.b = fmin(1, fmax(0, r.b + step));
    }
    return r;
}

char *crpv_color_hex(crpv_color c, char buf[8])
{
    g_snprintf(buf, 8, "#%02x%02x%02x", (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
               (unsigned)lround(c.b * 255));
    return buf;
}
