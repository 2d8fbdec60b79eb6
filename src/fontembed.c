/* Font subsets through hb-subset, from the faces Pango already loaded. */
#include "fontembed.h"

#include <hb-subset.h>
#include <hb.h>

GBytes *crpv_fontembed_subset(PangoContext *ctx, const PangoFontDescription *desc,
                              const char *text)
{
    if (ctx == NULL || desc == NULL || text == NULL)
        return NULL;
    PangoFont *font = pango_context_load_font(ctx, desc);
    if (font == NULL)
        return NULL;
    hb_font_t *hb_font = pango_font_get_hb_font(font); /* owned by FONT */
    hb_face_t *face = hb_font ? hb_font_get_face(hb_font) : NULL;
    GBytes *bytes = NULL;
    hb_subset_input_t *input = face ? hb_subset_input_create_or_fail() : NULL;
    if (input) {
        hb_set_t *unicodes = hb_subset_input_unicode_set(input);
        for (const char *s = text; *s; s = g_utf8_next_char(s)) {
            gunichar c = g_utf8_get_char_validated(s, -1);
            if (c == (gunichar)-1 || c == (gunichar)-2)
                break;
            hb_set_add(unicodes, c);
        }
        /* Browsers ignore hinting at these sizes on most screens; the
         * name table stays for the font's licence and names. */
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING |
                                             HB_SUBSET_FLAGS_DESUBROUTINIZE);
        hb_face_t *sub = hb_subset_or_fail(face, input);
        if (sub) {
            hb_blob_t *blob = hb_face_reference_blob(sub);
            unsigned int len = 0;
            const char *data = hb_blob_get_data(blob, &len);
            if (data && len > 0)
                bytes = g_bytes_new(data, len);
            hb_blob_destroy(blob);
            hb_face_destroy(sub);
        }
        hb_subset_input_destroy(input);
    }
    g_object_unref(font);
    return bytes;
}
