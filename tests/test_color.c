/* Colour science: WCAG luminance and contrast, the Machado et al. (2009)
 * colour-vision deficiency simulation, the derived tints; and the style's
 * map colours held to QUALITY.md's contrasts, for the shipped brand colour
 * and for others. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "color.h"
#include "style.h"

static void test_wcag(void **state)
{
    (void)state;
    crpv_color black = crpv_color_rgb(0), white = crpv_color_rgb(0xffffff);
    assert_double_near(crpv_color_luminance(white), 1.0, 1e-9);
    assert_double_near(crpv_color_luminance(black), 0.0, 1e-9);
    assert_double_near(crpv_color_contrast(black, white), 21.0, 1e-9);
    assert_double_near(crpv_color_contrast(white, black), 21.0, 1e-9);
    /* WCAG's own example: #767676 on white is 4.54:1. */
    assert_double_near(crpv_color_contrast(crpv_color_rgb(0x767676), white), 4.54, 0.01);
}

static void test_simulation(void **state)
{
    (void)state;
    crpv_color white = crpv_color_rgb(0xffffff), grey = crpv_color_rgb(0x808080);
    for (int v = 0; v < CRPV_N_VISIONS; v++) {
        /* Greys stay greys: each row of Machado's matrices sums to 1. */
        crpv_color w = crpv_color_simulate(white, (crpv_vision)v);
        crpv_color g = crpv_color_simulate(grey, (crpv_vision)v);
        assert_double_near(w.r, 1, 2e-3);
        assert_double_near(w.b, 1, 2e-3);
        assert_double_near(g.g, grey.g, 2e-3);
    }
    /* Red and green, far apart to a normal eye, nearly merge for a
     * deuteranope; a protanope sees red much darker. */
    crpv_color red = crpv_color_rgb(0xd62728), green = crpv_color_rgb(0x2ca02c);
    crpv_color rd = crpv_color_simulate(red, CRPV_VISION_DEUTERANOPIA);
    crpv_color gd = crpv_color_simulate(green, CRPV_VISION_DEUTERANOPIA);
    double normal = fabs(red.r - green.r) + fabs(red.g - green.g);
    double deut = fabs(rd.r - gd.r) + fabs(rd.g - gd.g);
    assert_true(deut < normal / 3);
    assert_true(crpv_color_luminance(crpv_color_simulate(red, CRPV_VISION_PROTANOPIA)) <
                crpv_color_luminance(red) * 0.8);
    assert_true(crpv_color_contrast_all(red, green) <= crpv_color_contrast(red, green));
}

static void test_toward_luminance(void **state)
{
    (void)state;
    crpv_color c = crpv_color_rgb(0xb5174f);
    crpv_color light = crpv_color_toward_luminance(c, crpv_color_rgb(0xffffff), 0.4);
    crpv_color dark = crpv_color_toward_luminance(c, crpv_color_rgb(0), 0.05);
    assert_true(crpv_color_luminance(light) >= 0.4 && crpv_color_luminance(light) < 0.42);
    assert_true(crpv_color_luminance(dark) <= 0.05 && crpv_color_luminance(dark) > 0.045);
    char buf[8];
    assert_string_equal(crpv_color_hex(c, buf), "#b5174f");
}

/* The three classes of the map's fills 3:1 apart and the labels 4.5:1 on
 * the served fill, under the three visions, whatever the brand colour. */
static void check_palette(const crpv_style *s)
{
    const crpv_color classes[] = {s->served, s->secondary, s->neutral};
    for (int v = 0; v < CRPV_N_VISIONS; v++) {
        crpv_color sim[3];
        for (int i = 0; i < 3; i++)
            sim[i] = crpv_color_simulate(classes[i], (crpv_vision)v);
        for (int i = 0; i < 3; i++)
            for (int j = i + 1; j < 3; j++)
                if (crpv_color_contrast(sim[i], sim[j]) < CRPV_CLASS_CONTRAST)
                    fail_msg("classes %d and %d at %.2f:1 under vision %d", i, j,
                             crpv_color_contrast(sim[i], sim[j]), v);
        double text = crpv_color_contrast(crpv_color_simulate(s->map_text, (crpv_vision)v), sim[0]);
        if (text < CRPV_TEXT_CONTRAST)
            fail_msg("labels at %.2f:1 on the served fill under vision %d", text, v);
    }
}

static void test_style_palette(void **state)
{
    (void)state;
    crpv_style *s = crpv_style_new_default();
    check_palette(s);
    /* The brand colour marks the markers. */
    assert_memory_equal(&s->marker, &s->primary, sizeof s->marker);
    crpv_style_free(s);
    const char *brands[] = {"#0a6e8c", "#2e7d32", "#6a1b9a", "#e65100", "#000000"};
    for (size_t i = 0; i < G_N_ELEMENTS(brands); i++) {
        g_autofree char *ini = g_strdup_printf("[couleurs]\nprincipale = %s\n", brands[i]);
        g_autoptr(GError) error = NULL;
        s = crpv_style_parse(ini, strlen(ini), "style.ini", &error);
        assert_non_null(s);
        check_palette(s);
        assert_memory_equal(&s->marker, &s->primary, sizeof s->marker);
        crpv_style_free(s);
    }
    /* A fill set by hand is kept as it is. */
    const char *ini = "[couleurs]\nactif = #123456\nsecondaire = #abcdef\n";
    s = crpv_style_parse(ini, strlen(ini), "style.ini", NULL);
    assert_non_null(s);
    char a[8], b[8];
    assert_string_equal(crpv_color_hex(s->served, a), "#123456");
    assert_string_equal(crpv_color_hex(s->secondary, b), "#abcdef");
    crpv_style_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wcag),
        cmocka_unit_test(test_simulation),
        cmocka_unit_test(test_toward_luminance),
        cmocka_unit_test(test_style_palette),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
