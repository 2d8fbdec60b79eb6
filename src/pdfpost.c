#include "pdfpost.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "scene.h"

struct crpv_pdfdoc {
    qpdf_data q;
    char *name;
    GByteArray *input;  /* qpdf reads from it lazily: kept until freed */
    char *title, *subject, *author, *keywords, *creator;
    time_t date;
    bool has_meta;
    char *lang;         /* NULL: none */
    bool pdfx;
    bool ua;            /* made accessible, structure and all: PDF/UA-1 declared in XMP */
    GHashTable *link_names; /* URI -> who it leads to, both owned; NULL: none */
};

crpv_pdfdoc *crpv_pdfdoc_open(const void *data, size_t len, const char *name, GError **error)
{
    crpv_pdfdoc *doc = g_new0(crpv_pdfdoc, 1);
    doc->q = qpdf_init();
    doc->name = g_strdup(name);
    doc->input = g_byte_array_sized_new((guint)len);
    g_byte_array_append(doc->input, data, (guint)len);
    qpdf_silence_errors(doc->q);
    qpdf_set_suppress_warnings(doc->q, QPDF_TRUE);
    if (qpdf_read_memory(doc->q, name, (const char *)doc->input->data, doc->input->len, NULL) &
        QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(doc->q);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s : PDF illisible : %s", name,
                    e ? qpdf_get_error_full_text(doc->q, e) : "erreur inconnue");
        crpv_pdfdoc_free(doc);
        return NULL;
    }
    return doc;
}

void crpv_pdfdoc_free(crpv_pdfdoc *doc)
{
    if (!doc)
        return;
    qpdf_cleanup(&doc->q);
    g_byte_array_free(doc->input, TRUE);
    g_free(doc->name);
    g_free(doc->title);
    g_free(doc->subject);
    g_free(doc->author);
    g_free(doc->keywords);
    g_free(doc->creator);
    g_free(doc->lang);
    if (doc->link_names)
        g_hash_table_destroy(doc->link_names);
    g_free(doc);
}

size_t crpv_pdfdoc_page_count(crpv_pdfdoc *doc)
{
    int n = qpdf_get_num_pages(doc->q);
    return n > 0 ? (size_t)n : 0;
}

static qpdf_oh page(crpv_pdfdoc *doc, size_t i)
{
    return qpdf_get_page_n(doc->q, i);
}

static bool is_name(crpv_pdfdoc *doc, qpdf_oh oh, const char *key, const char *name)
{
    return qpdf_oh_is_name_and_equals(doc->q, qpdf_oh_get_key(doc->q, oh, key), name);
}

static qpdf_oh rect_array(crpv_pdfdoc *doc, crpv_rect r)
{
    char buf[160];
    g_snprintf(buf, sizeof buf, "[%.3f %.3f %.3f %.3f]", r.x0, r.y0, r.x1, r.y1);
    return qpdf_oh_parse(doc->q, buf);
}

void crpv_pdfdoc_set_boxes(crpv_pdfdoc *doc, size_t i, crpv_rect trim, crpv_rect bleed)
{
    qpdf_oh p = page(doc, i);
    qpdf_oh_replace_key(doc->q, p, "/TrimBox", rect_array(doc, trim));
    qpdf_oh_replace_key(doc->q, p, "/BleedBox", rect_array(doc, bleed));
}

static bool get_rect(crpv_pdfdoc *doc, qpdf_oh p, const char *key, crpv_rect *out)
{
    qpdf_oh a = qpdf_oh_get_key(doc->q, p, key);
    if (!qpdf_oh_is_array(doc->q, a) || qpdf_oh_get_array_n_items(doc->q, a) != 4)
        return false;
    double v[4];
    for (int k = 0; k < 4; k++)
        if (!qpdf_oh_get_value_as_number(doc->q, qpdf_oh_get_array_item(doc->q, a, k), &v[k]))
            return false;
    *out = (crpv_rect){v[0], v[1], v[2], v[3]};
    return true;
}

bool crpv_pdfdoc_get_boxes(crpv_pdfdoc *doc, size_t i, crpv_rect *trim, crpv_rect *bleed)
{
    qpdf_oh p = page(doc, i);
    return get_rect(doc, p, "/TrimBox", trim) && get_rect(doc, p, "/BleedBox", bleed);
}

void crpv_pdfdoc_set_meta(crpv_pdfdoc *doc, const crpv_pdfdoc_meta *m)
{
    char **fields[] = {&doc->title, &doc->subject, &doc->author, &doc->keywords, &doc->creator};
    const char *values[] = {m->title, m->subject, m->author, m->keywords, m->creator};
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_free(*fields[i]);
        *fields[i] = g_strdup(values[i]);
    }
    doc->date = m->date;
    doc->has_meta = true;
}

void crpv_pdfdoc_name_link(crpv_pdfdoc *doc, const char *uri, const char *name)
{
    if (!doc->link_names)
        doc->link_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!g_hash_table_contains(doc->link_names, uri))
        g_hash_table_insert(doc->link_names, g_strdup(uri), g_strdup(name));
}

/* The French description of a link, for its annotation's /Contents:
 * « Labo Cités – site web » when the link's destination is named, else
 * from its URI alone. */
static char *link_description(crpv_pdfdoc *doc, const char *uri)
{
    const char *name = doc->link_names ? g_hash_table_lookup(doc->link_names, uri) : NULL;
    if (name)
        return g_strdup_printf("%s – %s", name,
                               g_str_has_prefix(uri, "tel:")      ? "téléphone"
                               : g_str_has_prefix(uri, "mailto:") ? "courriel"
                                                                  : "site web");
    if (g_str_has_prefix(uri, "tel:"))
        return g_strdup_printf("Appeler le %s", uri + 4);
    if (g_str_has_prefix(uri, "mailto:"))
        return g_strdup_printf("Écrire à %s", uri + 7);
    const char *host = strstr(uri, "://");
    host = host ? host + 3 : uri;
    g_autofree char *site = g_strdup(host);
    size_t n = strlen(site);
    if (n && site[n - 1] == '/')
        site[n - 1] = 0;
    if (g_str_has_prefix(site, "www."))
        return g_strdup_printf("Site web %s", site);
    return g_strdup_printf("Lien vers %s", site);
}

/* Calls FN on every structure element under OH (depth first). */
typedef void (*elem_fn)(crpv_pdfdoc *doc, qpdf_oh elem, void *user);

static void walk_struct(crpv_pdfdoc *doc, qpdf_oh oh, elem_fn fn, void *user, int depth)
{
    if (depth > 64)
        return;
    if (qpdf_oh_is_array(doc->q, oh)) {
        int n = qpdf_oh_get_array_n_items(doc->q, oh);
        for (int i = 0; i < n; i++)
            walk_struct(doc, qpdf_oh_get_array_item(doc->q, oh, i), fn, user, depth + 1);
        return;
    }
    if (!qpdf_oh_is_dictionary(doc->q, oh) || !qpdf_oh_has_key(doc->q, oh, "/S"))
        return;
    fn(doc, oh, user);
    walk_struct(doc, qpdf_oh_get_key(doc->q, oh, "/K"), fn, user, depth + 1);
}

static qpdf_oh struct_root(crpv_pdfdoc *doc)
{
    return qpdf_oh_get_key(doc->q, qpdf_get_root(doc->q), "/StructTreeRoot");
}

static void set_alt(crpv_pdfdoc *doc, qpdf_oh elem, void *user)
{
    if (is_name(doc, elem, "/S", "/Figure") && !qpdf_oh_has_key(doc->q, elem, "/Alt"))
        qpdf_oh_replace_key(doc->q, elem, "/Alt", qpdf_oh_new_unicode_string(doc->q, user));
}

/* Several Document elements at the top of the tree (one per page, as the
 * renderer opens them) become Parts of a single Document, so that the
 * elements, and the parent tree pointing at them, stay as they are. */
static void single_document(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    qpdf_oh root = struct_root(doc);
    qpdf_oh k = qpdf_oh_get_key(q, root, "/K");
    if (!qpdf_oh_is_array(q, k))
        return;
    int n = qpdf_oh_get_array_n_items(q, k), docs = 0;
    for (int i = 0; i < n; i++)
        docs += is_name(doc, qpdf_oh_get_array_item(q, k, i), "/S", "/Document");
    if (n < 2 || docs == 0)
        return;
    qpdf_oh top = qpdf_oh_parse(q, "<< /Type /StructElem /S /Document >>");
    top = qpdf_make_indirect_object(q, top);
    qpdf_oh_replace_key(q, top, "/P", root);
    qpdf_oh kids = qpdf_oh_new_array(q);
    for (int i = 0; i < n; i++) {
        qpdf_oh e = qpdf_oh_get_array_item(q, k, i);
        if (is_name(doc, e, "/S", "/Document"))
            qpdf_oh_replace_key(q, e, "/S", qpdf_oh_new_name(q, "/Part"));
        if (qpdf_oh_is_dictionary(q, e))
            qpdf_oh_replace_key(q, e, "/P", top);
        qpdf_oh_append_item(q, kids, e);
    }
    qpdf_oh_replace_key(q, top, "/K", kids);
    qpdf_oh_replace_key(q, root, "/K", qpdf_oh_wrap_in_array(q, top));
}

static qpdf_oh parent_tree_entry(crpv_pdfdoc *doc, qpdf_oh p);

/* Points the parent tree's entry for marked content MCID of page PG at
 * ELEM (0: at none). */
static void set_parent(crpv_pdfdoc *doc, qpdf_oh pg, long long mcid, qpdf_oh elem)
{
    qpdf_data q = doc->q;
    qpdf_oh entry = parent_tree_entry(doc, pg);
    if (entry && qpdf_oh_is_array(q, entry) && mcid >= 0 &&
        mcid < qpdf_oh_get_array_n_items(q, entry))
        qpdf_oh_set_array_item(q, entry, (int)mcid, elem ? elem : qpdf_oh_new_null(q));
}

/* Calls FN for each MCID that element ELEM's /K holds directly. */
static void each_mcid(crpv_pdfdoc *doc, qpdf_oh elem,
                      void (*fn)(crpv_pdfdoc *, qpdf_oh pg, long long mcid, void *), void *user)
{
    qpdf_data q = doc->q;
    qpdf_oh k = qpdf_oh_get_key(q, elem, "/K");
    qpdf_oh pg = qpdf_oh_get_key(q, elem, "/Pg");
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        if (qpdf_oh_is_integer(q, kid))
            fn(doc, pg, qpdf_oh_get_int_value(q, kid), user);
        else if (is_name(doc, kid, "/Type", "/MCR"))
            fn(doc, qpdf_oh_has_key(q, kid, "/Pg") ? qpdf_oh_get_key(q, kid, "/Pg") : pg,
               qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, kid, "/MCID")), user);
    }
}

typedef struct {
    qpdf_oh parent; /* the element that takes the content */
    qpdf_oh kids;   /* its new /K */
} fold_target;

static void adopt_mcid(crpv_pdfdoc *doc, qpdf_oh pg, long long mcid, void *user)
{
    fold_target *t = user;
    qpdf_oh mcr = qpdf_oh_parse(doc->q, "<< /Type /MCR >>");
    qpdf_oh_replace_key(doc->q, mcr, "/Pg", pg);
    qpdf_oh_replace_key(doc->q, mcr, "/MCID", qpdf_oh_new_integer(doc->q, mcid));
    qpdf_oh_append_item(doc->q, t->kids, mcr);
    set_parent(doc, pg, mcid, t->parent);
}

static void orphan_mcid(crpv_pdfdoc *doc, qpdf_oh pg, long long mcid, void *user)
{
    (void)user;
    set_parent(doc, pg, mcid, 0);
}

/* The renderer's placeholder elements (scene.h) resolved under ELEM: an
 * element's own content (CRPV_TAG_OWN_CONTENT) becomes marked-content
 * references of the element, in place; an Artifact element leaves the
 * tree, and its content is marked as an artifact (wrap_op). */
static void fold_placeholders(crpv_pdfdoc *doc, qpdf_oh elem, int depth)
{
    qpdf_data q = doc->q;
    qpdf_oh k = qpdf_oh_get_key(q, elem, "/K");
    if (depth > 64 || (!qpdf_oh_is_array(q, k) && !qpdf_oh_is_dictionary(q, k)))
        return;
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    fold_target t = {elem, qpdf_oh_new_array(q)};
    bool changed = false;
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        if (qpdf_oh_is_dictionary(q, kid) && qpdf_oh_has_key(q, kid, "/S")) {
            if (is_name(doc, kid, "/S", "/" CRPV_TAG_OWN_CONTENT)) {
                each_mcid(doc, kid, adopt_mcid, &t);
                changed = true;
                continue;
            }
            if (is_name(doc, kid, "/S", "/" CRPV_TAG_ARTIFACT)) {
                each_mcid(doc, kid, orphan_mcid, NULL);
                changed = true;
                continue;
            }
            fold_placeholders(doc, kid, depth + 1);
        }
        qpdf_oh_append_item(q, t.kids, kid);
    }
    if (changed)
        qpdf_oh_replace_key(q, elem, "/K", t.kids);
}

static void has_lbl(crpv_pdfdoc *doc, qpdf_oh elem, void *user)
{
    *(bool *)user |= is_name(doc, elem, "/S", "/Lbl");
}

/* A list whose items have no label (their bullets are artifacts) says it
 * is bulleted, so that a reader announces its items as such. */
static void list_numbering(crpv_pdfdoc *doc, qpdf_oh elem, void *user)
{
    (void)user;
    if (!is_name(doc, elem, "/S", "/L") || qpdf_oh_has_key(doc->q, elem, "/A"))
        return;
    bool lbl = false;
    walk_struct(doc, qpdf_oh_get_key(doc->q, elem, "/K"), has_lbl, &lbl, 0);
    if (!lbl)
        qpdf_oh_replace_key(doc->q, elem, "/A",
                            qpdf_oh_parse(doc->q, "<< /O /List /ListNumbering /Disc >>"));
}

/* ISO 32000 asks a positive /Count on the outline root (its visible
 * items); Cairo 1.16 writes it negative, as for a closed item. */
static void open_outline_root(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    qpdf_oh outlines = qpdf_oh_get_key(q, qpdf_get_root(q), "/Outlines");
    qpdf_oh count = qpdf_oh_get_key(q, outlines, "/Count");
    if (qpdf_oh_is_integer(q, count) && qpdf_oh_get_int_value(q, count) < 0)
        qpdf_oh_replace_key(q, outlines, "/Count",
                            qpdf_oh_new_integer(q, -qpdf_oh_get_int_value(q, count)));
}

/* Each page's parent-tree array ends at its last MCID still in use: the
 * trailing entries of sequences turned into artifacts go. */
static void trim_parent_tree(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh entry = parent_tree_entry(doc, page(doc, i));
        if (!entry || !qpdf_oh_is_array(q, entry))
            continue;
        int n = qpdf_oh_get_array_n_items(q, entry);
        while (n > 0 && qpdf_oh_is_null(q, qpdf_oh_get_array_item(q, entry, n - 1)))
            qpdf_oh_erase_item(q, entry, --n);
    }
}

void crpv_pdfdoc_make_accessible(crpv_pdfdoc *doc, const char *lang, const char *figure_alt)
{
    qpdf_data q = doc->q;
    qpdf_oh cat = qpdf_get_root(q);
    if (lang) {
        qpdf_oh_replace_key(q, cat, "/Lang", qpdf_oh_new_string(q, lang));
        g_free(doc->lang);
        doc->lang = g_strdup(lang);
    }
    qpdf_oh_replace_key(q, cat, "/ViewerPreferences", qpdf_oh_parse(q, "<< /DisplayDocTitle true >>"));
    open_outline_root(doc);
    qpdf_oh root = struct_root(doc);
    if (qpdf_oh_is_dictionary(q, root)) {
        qpdf_oh_replace_key(q, cat, "/MarkInfo", qpdf_oh_parse(q, "<< /Marked true >>"));
        fold_placeholders(doc, root, 0);
        /* What PDF/UA-1 asks that this module adds; the rest (every text
         * tagged or an artifact, checked by the tests on the content
         * streams) is the layout's. */
        doc->ua = lang != NULL;
        single_document(doc);
        trim_parent_tree(doc);
        walk_struct(doc, qpdf_oh_get_key(q, root, "/K"), list_numbering, NULL, 0);
        if (figure_alt)
            walk_struct(doc, qpdf_oh_get_key(q, root, "/K"), set_alt, (void *)figure_alt, 0);
    }
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh p = page(doc, i);
        qpdf_oh annots = qpdf_oh_get_key(q, p, "/Annots");
        int n = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;
        bool links = false;
        for (int a = 0; a < n; a++) {
            qpdf_oh an = qpdf_oh_get_array_item(q, annots, a);
            if (!is_name(doc, an, "/Subtype", "/Link"))
                continue;
            links = true;
            qpdf_oh uri = qpdf_oh_get_key(q, qpdf_oh_get_key(q, an, "/A"), "/URI");
            if (qpdf_oh_has_key(q, an, "/Contents") || !qpdf_oh_is_string(q, uri))
                continue;
            g_autofree char *text = link_description(doc, qpdf_oh_get_utf8_value(q, uri));
            qpdf_oh_replace_key(q, an, "/Contents", qpdf_oh_new_unicode_string(q, text));
        }
        if (links)
            qpdf_oh_replace_key(q, p, "/Tabs", qpdf_oh_new_name(q, "/S"));
    }
}

typedef struct {
    const char *data;   /* the stream being scanned */
    int depth;          /* marked-content depth of the original stream */
    int in_text;        /* inside BT ... ET */
    bool figure;        /* wrap into the figure (MCIDs) rather than as artifacts */
    bool open;          /* a wrapper of ours is open */
    bool deferred;      /* an artifact run waits for the end of a text object */
    int next_mcid;
    GArray *new_mcids;  /* of int */
    GArray *dropped;    /* of gboolean, per open sequence: removed by us */
} wrap_state;

static bool has_mcid(const crpv_pdf_op *op)
{
    for (size_t i = 0; i < op->n_operands; i++)
        if (op->operands[i].kind == CRPV_PDF_NAME && op->operands[i].len == 5 &&
            !memcmp(op->operands[i].text, "/MCID", 5))
            return true;
    return false;
}

/* A sequence the renderer opened for an Artifact element (scene.h): its
 * element left the tree (fold_placeholders), the sequence becomes an
 * artifact. */
static bool is_artifact_element(const crpv_pdf_op *op)
{
    const char *tag = "/" CRPV_TAG_ARTIFACT;
    return crpv_pdf_op_is(op, "BDC") && has_mcid(op) && op->n_operands > 0 &&
           op->operands[0].kind == CRPV_PDF_NAME && op->operands[0].len == strlen(tag) &&
           !memcmp(op->operands[0].text, tag, strlen(tag));
}

static bool is_actual_text_span(const crpv_pdf_op *op)
{
    if (!crpv_pdf_op_is(op, "BDC") || has_mcid(op))
        return false;
    for (size_t i = 0; i < op->n_operands; i++)
        if (op->operands[i].kind == CRPV_PDF_NAME && op->operands[i].len == 11 &&
            !memcmp(op->operands[i].text, "/ActualText", 11))
            return true;
    return false;
}



/* A new stream holding LEN bytes at DATA, compressed here at zlib's
 * fastest level: qpdf then copies it as it is, where it would compress it
 * at its own, slower, level. */
static qpdf_oh flate_stream(qpdf_data q, const char *data, size_t len)
{
    uLongf n = compressBound((uLong)len);
    guint8 *z = g_malloc(n);
    qpdf_oh s = qpdf_oh_new_stream(q);
    if (compress2(z, &n, (const Bytef *)data, (uLong)len, 1) == Z_OK)
        qpdf_oh_replace_stream_data(q, s, z, n, qpdf_oh_new_name(q, "/FlateDecode"),
                                    qpdf_oh_new_null(q));
    else
        qpdf_oh_replace_stream_data(q, s, (const unsigned char *)data, len, qpdf_oh_new_null(q),
                                    qpdf_oh_new_null(q));
    g_free(z);
    return s;
}

/* Wraps content that no marked-content sequence holds: in a document that
 * is one figure, into that figure (new MCIDs); elsewhere, paths, fills and
 * images become artifacts (backgrounds, rules, crop marks, decoration),
 * while text objects are left for the layout to tag. Wrappers open and
 * close only between graphics objects, never inside a text object. */
static char *wrap_op(void *user, const crpv_pdf_op *op)
{
    wrap_state *w = user;
    /* Cairo gives soft hyphens, word joiners, no-break spaces and
     * ligatures a Span with /ActualText inside the paragraph's sequence;
     * poppler's structure reader ends the paragraph's text there ("Les
     * centres de res"). The fonts' ToUnicode maps say the same: the spans
     * go, and each paragraph reads whole. */
    if (crpv_pdf_op_is(op, "BDC") || crpv_pdf_op_is(op, "BMC")) {
        gboolean drop = w->depth > 0 && is_actual_text_span(op);
        g_array_append_val(w->dropped, drop);
        if (drop) {
            w->depth++;
            return g_strdup("");
        }
    } else if (crpv_pdf_op_is(op, "EMC") && w->dropped->len) {
        gboolean drop = g_array_index(w->dropped, gboolean, w->dropped->len - 1);
        g_array_set_size(w->dropped, w->dropped->len - 1);
        if (drop) {
            w->depth--;
            return g_strdup("");
        }
    }
    GString *pre = g_string_new(NULL);
    bool begin = crpv_pdf_op_is(op, "BDC") || crpv_pdf_op_is(op, "BMC");
    bool artifact = is_artifact_element(op);
    bool element = begin && has_mcid(op) && !artifact;
    bool text_begin = crpv_pdf_op_is(op, "BT");
    /* Close ours before a structure element's own sequence, and, for
     * artifacts, before text. */
    if (w->open && w->depth == 0 && w->in_text == 0 &&
        (element || artifact || (!w->figure && text_begin))) {
        g_string_append(pre, "EMC\n");
        w->open = false;
    }
    if (!w->open && w->depth == 0 && w->in_text == 0 && !element && !artifact &&
        !crpv_pdf_op_is(op, "EMC") && (w->figure || !text_begin)) {
        if (w->figure) {
            g_string_append_printf(pre, "/Figure << /MCID %d >> BDC\n", w->next_mcid);
            g_array_append_val(w->new_mcids, w->next_mcid);
            w->next_mcid++;
        } else {
            g_string_append(pre, "/Artifact BMC\n");
        }
        w->open = true;
    }
    if (begin)
        w->depth++;
    else if (crpv_pdf_op_is(op, "EMC") && w->depth > 0)
        w->depth--;
    else if (text_begin)
        w->in_text++;
    else if (crpv_pdf_op_is(op, "ET") && w->in_text > 0)
        w->in_text--;
    if (!pre->len && !artifact) {
        g_string_free(pre, TRUE);
        return NULL;
    }
    if (artifact)
        g_string_append(pre, "/Artifact BMC");
    else
        g_string_append_len(pre, w->data + op->start, (gssize)(op->end - op->start));
    return g_string_free(pre, FALSE);
}

static void find_figure(crpv_pdfdoc *doc, qpdf_oh elem, void *user)
{
    qpdf_oh *found = user;
    if (!*found && is_name(doc, elem, "/S", "/Figure"))
        *found = elem;
}

/* The array of the parent tree that holds page P's marked content. */
static qpdf_oh parent_tree_entry(crpv_pdfdoc *doc, qpdf_oh p)
{
    qpdf_data q = doc->q;
    qpdf_oh key = qpdf_oh_get_key(q, p, "/StructParents");
    qpdf_oh nums = qpdf_oh_get_key(q, qpdf_oh_get_key(q, struct_root(doc), "/ParentTree"), "/Nums");
    if (!qpdf_oh_is_integer(q, key) || !qpdf_oh_is_array(q, nums))
        return 0;
    long long k = qpdf_oh_get_int_value(q, key);
    int n = qpdf_oh_get_array_n_items(q, nums);
    for (int i = 0; i + 1 < n; i += 2)
        if (qpdf_oh_get_int_value(q, qpdf_oh_get_array_item(q, nums, i)) == k)
            return qpdf_oh_get_array_item(q, nums, i + 1);
    return 0;
}

void crpv_pdfdoc_mark_untagged(crpv_pdfdoc *doc, bool figure)
{
    qpdf_data q = doc->q;
    qpdf_oh root = struct_root(doc);
    if (!qpdf_oh_is_dictionary(q, root))
        return;
    qpdf_oh fig = 0;
    if (figure)
        walk_struct(doc, qpdf_oh_get_key(q, root, "/K"), find_figure, &fig, 0);
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh p = page(doc, i);
        qpdf_oh entry = fig ? parent_tree_entry(doc, p) : 0;
        GByteArray *c = crpv_pdfdoc_page_content(doc, i);
        /* Cairo numbers a page's MCIDs from 0, each with its entry in the
         * parent tree: new ones follow. */
        wrap_state w = {.data = (const char *)c->data,
                        .figure = fig && qpdf_oh_is_array(q, entry),
                        .next_mcid = fig && qpdf_oh_is_array(q, entry)
                                         ? qpdf_oh_get_array_n_items(q, entry)
                                         : 0,
                        .new_mcids = g_array_new(FALSE, FALSE, sizeof(int)),
                        .dropped = g_array_new(FALSE, FALSE, sizeof(gboolean))};
        GString *out = crpv_pdf_content_scan((const char *)c->data, c->len, wrap_op, &w);
        if (w.open)
            g_string_append(out, "\nEMC\n");
        g_byte_array_free(c, TRUE);
        qpdf_oh_replace_key(q, p, "/Contents", flate_stream(q, out->str, out->len));
        g_string_free(out, TRUE);
        if (w.figure && w.new_mcids->len) {
            qpdf_oh kids = qpdf_oh_get_key(q, fig, "/K");
            if (!qpdf_oh_is_array(q, kids)) {
                kids = qpdf_oh_is_null(q, kids) ? qpdf_oh_new_array(q) : qpdf_oh_wrap_in_array(q, kids);
                qpdf_oh_replace_key(q, fig, "/K", kids);
            }
            for (guint k = 0; k < w.new_mcids->len; k++) {
                qpdf_oh mcr = qpdf_oh_parse(q, "<< /Type /MCR >>");
                qpdf_oh_replace_key(q, mcr, "/Pg", p);
                qpdf_oh_replace_key(q, mcr, "/MCID",
                                    qpdf_oh_new_integer(q, g_array_index(w.new_mcids, int, k)));
                qpdf_oh_append_item(q, kids, mcr);
                qpdf_oh_append_item(q, entry, fig);
            }
        }
        g_array_free(w.new_mcids, TRUE);
        g_array_free(w.dropped, TRUE);
    }
}

/* Every stream of the file that holds page content: the pages' own and
 * form XObjects. Returns object handles (as guint in a GArray). */
static GArray *content_streams(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    GArray *out = g_array_new(FALSE, FALSE, sizeof(qpdf_oh));
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh c = qpdf_oh_get_key(q, page(doc, i), "/Contents");
        int n = qpdf_oh_is_array(q, c) ? qpdf_oh_get_array_n_items(q, c) : 1;
        for (int k = 0; k < n; k++) {
            qpdf_oh s = qpdf_oh_is_array(q, c) ? qpdf_oh_get_array_item(q, c, k) : c;
            int id = qpdf_oh_get_object_id(q, s);
            if (qpdf_oh_is_stream(q, s) &&
                (!id || g_hash_table_add(seen, GINT_TO_POINTER(id))))
                g_array_append_val(out, s);
        }
    }
    qpdf_oh size = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Size");
    int n = qpdf_oh_is_integer(q, size) ? qpdf_oh_get_int_value_as_int(q, size) : 0;
    for (int id = 1; id < n; id++) {
        qpdf_oh o = qpdf_get_object_by_id(q, id, 0);
        if (qpdf_oh_is_stream(q, o) && is_name(doc, qpdf_oh_get_dict(q, o), "/Subtype", "/Form") &&
            g_hash_table_add(seen, GINT_TO_POINTER(id)))
            g_array_append_val(out, o);
    }
    g_hash_table_destroy(seen);
    return out;
}

void crpv_pdfdoc_rewrite_content(crpv_pdfdoc *doc, crpv_pdf_op_fn fn, void *user)
{
    crpv_pdfdoc_rewrite_streams(doc, NULL, fn, user);
}

void crpv_pdfdoc_rewrite_streams(crpv_pdfdoc *doc, void (*begin)(void *user), crpv_pdf_op_fn fn,
                                 void *user)
{
    qpdf_data q = doc->q;
    GArray *streams = content_streams(doc);
    for (guint i = 0; i < streams->len; i++) {
        qpdf_oh s = g_array_index(streams, qpdf_oh, i);
        if (begin)
            begin(user);
        unsigned char *buf = NULL;
        size_t len = 0;
        QPDF_BOOL filtered = QPDF_FALSE;
        if (qpdf_oh_get_stream_data(q, s, qpdf_dl_generalized, &filtered, &buf, &len) &
                QPDF_ERRORS ||
            !filtered) {
            free(buf);
            continue;
        }
        GString *out = crpv_pdf_content_scan((const char *)buf, len, fn, user);
        free(buf);
        qpdf_oh_replace_stream_data(q, s, (const unsigned char *)out->str, out->len,
                                    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
        g_string_free(out, TRUE);
    }
    g_array_free(streams, TRUE);
}

/* DICT's sub-dictionary KEY, made when missing. */
static qpdf_oh sub_dict(qpdf_data q, qpdf_oh dict, const char *key)
{
    qpdf_oh d = qpdf_oh_get_key(q, dict, key);
    if (!qpdf_oh_is_dictionary(q, d)) {
        d = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, dict, key, d);
        d = qpdf_oh_get_key(q, dict, key);
    }
    return d;
}

void crpv_pdfdoc_add_ext_gstate(crpv_pdfdoc *doc, const char *name, const char *dict)
{
    qpdf_data q = doc->q;
    qpdf_oh gs = qpdf_make_indirect_object(q, qpdf_oh_parse(q, dict));
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++)
        qpdf_oh_replace_key(q, sub_dict(q, sub_dict(q, page(doc, i), "/Resources"), "/ExtGState"),
                            name, gs);
    GArray *streams = content_streams(doc);
    for (guint i = 0; i < streams->len; i++) {
        qpdf_oh d = qpdf_oh_get_dict(q, g_array_index(streams, qpdf_oh, i));
        if (is_name(doc, d, "/Subtype", "/Form"))
            qpdf_oh_replace_key(q, sub_dict(q, sub_dict(q, d, "/Resources"), "/ExtGState"), name,
                                gs);
    }
    g_array_free(streams, TRUE);
}

GByteArray *crpv_pdfdoc_page_content(crpv_pdfdoc *doc, size_t i)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    GByteArray *out = g_byte_array_new();
    if (!(qpdf_oh_get_page_content_data(doc->q, page(doc, i), &buf, &len) & QPDF_ERRORS))
        g_byte_array_append(out, buf, (guint)len);
    free(buf);
    return out;
}

void crpv_pdfdoc_make_pdfx(crpv_pdfdoc *doc, const void *icc, size_t len, const char *description,
                           const char *condition)
{
    qpdf_data q = doc->q;
    qpdf_oh cat = qpdf_get_root(q);
    qpdf_oh profile = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, profile, icc, len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, profile), "/N", qpdf_oh_new_integer(q, 4));
    qpdf_oh intent = qpdf_oh_parse(q, "<< /Type /OutputIntent /S /GTS_PDFX >>");
    /* A registered condition names its registry; a custom one only says
     * what the profile is (/Info), without claiming a registry entry. */
    bool registered = condition && *condition && strcmp(condition, "Custom") != 0;
    qpdf_oh_replace_key(q, intent, "/OutputConditionIdentifier",
                        qpdf_oh_new_unicode_string(q, registered ? condition : "Custom"));
    if (registered) {
        qpdf_oh_replace_key(q, intent, "/RegistryName",
                            qpdf_oh_new_unicode_string(q, "http://www.color.org"));
        qpdf_oh_replace_key(q, intent, "/OutputCondition",
                            qpdf_oh_new_unicode_string(q, description));
    }
    qpdf_oh_replace_key(q, intent, "/Info", qpdf_oh_new_unicode_string(q, description));
    qpdf_oh_replace_key(q, intent, "/DestOutputProfile", profile);
    qpdf_oh_replace_key(q, cat, "/OutputIntents",
                        qpdf_oh_wrap_in_array(q, qpdf_make_indirect_object(q, intent)));
    qpdf_oh_remove_key(q, cat, "/StructTreeRoot");
    qpdf_oh_remove_key(q, cat, "/MarkInfo");
    qpdf_oh_remove_key(q, cat, "/Outlines");
    qpdf_oh_remove_key(q, cat, "/PageMode");
    /* Transparency blends in the output's CMYK, not in the RGB Cairo
     * declared: blending in RGB would turn black text into four colours. */
    GArray *streams = content_streams(doc);
    for (guint i = 0; i < streams->len; i++) {
        qpdf_oh d = qpdf_oh_get_dict(q, g_array_index(streams, qpdf_oh, i));
        qpdf_oh g = qpdf_oh_get_key(q, d, "/Group");
        if (qpdf_oh_is_dictionary(q, g) && qpdf_oh_has_key(q, g, "/CS"))
            qpdf_oh_replace_key(q, g, "/CS", qpdf_oh_new_name(q, "/DeviceCMYK"));
    }
    g_array_free(streams, TRUE);
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh g = qpdf_oh_get_key(q, page(doc, i), "/Group");
        if (qpdf_oh_is_dictionary(q, g) && qpdf_oh_has_key(q, g, "/CS"))
            qpdf_oh_replace_key(q, g, "/CS", qpdf_oh_new_name(q, "/DeviceCMYK"));
        qpdf_oh_remove_key(q, page(doc, i), "/Annots");
        qpdf_oh_remove_key(q, page(doc, i), "/StructParents");
        qpdf_oh_remove_key(q, page(doc, i), "/Tabs");
    }
    doc->pdfx = true;
}

static void count_fonts(crpv_pdfdoc *doc, crpv_pdfdoc_facts *f)
{
    qpdf_data q = doc->q;
    qpdf_oh size = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Size");
    int n = qpdf_oh_is_integer(q, size) ? qpdf_oh_get_int_value_as_int(q, size) : 0;
    for (int id = 1; id < n; id++) {
        qpdf_oh o = qpdf_get_object_by_id(q, id, 0);
        if (!qpdf_oh_is_dictionary(q, o) || !is_name(doc, o, "/Type", "/Font") ||
            is_name(doc, o, "/Subtype", "/Type0"))
            continue; /* a Type0 font is counted through its descendant */
        f->fonts++;
        qpdf_oh fd = qpdf_oh_get_key(q, o, "/FontDescriptor");
        if (is_name(doc, o, "/Subtype", "/Type3") || qpdf_oh_has_key(q, fd, "/FontFile") ||
            qpdf_oh_has_key(q, fd, "/FontFile2") || qpdf_oh_has_key(q, fd, "/FontFile3"))
            f->fonts_embedded++;
    }
}

typedef struct {
    crpv_pdfdoc_facts *f;
    GHashTable *linked; /* object ids of annotations referenced by Link elements */
} facts_walk;

static void count_elem(crpv_pdfdoc *doc, qpdf_oh e, void *user)
{
    facts_walk *w = user;
    qpdf_data q = doc->q;
    if (is_name(doc, e, "/S", "/Figure")) {
        w->f->figures++;
        w->f->figures_with_alt += qpdf_oh_is_string(q, qpdf_oh_get_key(q, e, "/Alt"));
    }
    if (!is_name(doc, e, "/S", "/Link"))
        return;
    qpdf_oh k = qpdf_oh_get_key(q, e, "/K");
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        if (is_name(doc, kid, "/Type", "/OBJR")) {
            int id = qpdf_oh_get_object_id(q, qpdf_oh_get_key(q, kid, "/Obj"));
            g_hash_table_add(w->linked, GINT_TO_POINTER(id));
        }
    }
}

crpv_pdfdoc_facts crpv_pdfdoc_get_facts(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    crpv_pdfdoc_facts f = {0};
    count_fonts(doc, &f);
    qpdf_oh cat = qpdf_get_root(q);
    qpdf_oh intents = qpdf_oh_get_key(q, cat, "/OutputIntents");
    int n = qpdf_oh_is_array(q, intents) ? qpdf_oh_get_array_n_items(q, intents) : 0;
    for (int i = 0; i < n; i++) {
        qpdf_oh it = qpdf_oh_get_array_item(q, intents, i);
        if (is_name(doc, it, "/S", "/GTS_PDFX") &&
            qpdf_oh_is_stream(q, qpdf_oh_get_key(q, it, "/DestOutputProfile")))
            f.output_intent_pdfx = true;
    }
    f.lang = qpdf_oh_is_string(q, qpdf_oh_get_key(q, cat, "/Lang"));
    qpdf_oh ddt = qpdf_oh_get_key(q, qpdf_oh_get_key(q, cat, "/ViewerPreferences"),
                                  "/DisplayDocTitle");
    f.display_doc_title = qpdf_oh_is_bool(q, ddt) && qpdf_oh_get_bool_value(q, ddt);
    f.xmp = qpdf_oh_is_stream(q, qpdf_oh_get_key(q, cat, "/Metadata"));
    qpdf_oh root = struct_root(doc);
    f.tagged = qpdf_oh_is_dictionary(q, root);
    facts_walk w = {&f, g_hash_table_new(g_direct_hash, g_direct_equal)};
    if (f.tagged) {
        qpdf_oh k = qpdf_oh_get_key(q, root, "/K");
        int nk = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
        for (int i = 0; i < nk; i++)
            f.document_roots += is_name(
                doc, qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k, "/S", "/Document");
        walk_struct(doc, k, count_elem, &w, 0);
    }
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        qpdf_oh p = page(doc, i);
        qpdf_oh annots = qpdf_oh_get_key(q, p, "/Annots");
        int na = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;
        size_t links = 0;
        for (int a = 0; a < na; a++) {
            qpdf_oh an = qpdf_oh_get_array_item(q, annots, a);
            if (!is_name(doc, an, "/Subtype", "/Link"))
                continue;
            links++;
            f.links_with_contents += qpdf_oh_is_string(q, qpdf_oh_get_key(q, an, "/Contents"));
            int id = qpdf_oh_get_object_id(q, an);
            f.links_in_link_elements +=
                id && g_hash_table_contains(w.linked, GINT_TO_POINTER(id));
        }
        f.links += links;
        if (links) {
            f.pages_with_links++;
            f.pages_with_tabs += is_name(doc, p, "/Tabs", "/S");
        }
    }
    g_hash_table_destroy(w.linked);
    return f;
}

static void xml_text(GString *s, const char *t)
{
    g_autofree char *e = g_markup_escape_text(t ? t : "", -1);
    g_string_append(s, e);
}

/* A UUID made from the document's identity, so that it is the same from
 * run to run. */
static char *stable_uuid(const crpv_pdfdoc *doc, const char *salt)
{
    g_autofree char *seed = g_strdup_printf("%s|%s|%lld|%s", doc->name, doc->title ? doc->title : "",
                                            (long long)doc->date, salt);
    g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, seed, -1);
    return g_strdup_printf("uuid:%.8s-%.4s-5%.3s-a%.3s-%.12s", h, h + 8, h + 13, h + 17, h + 20);
}

static const char *producer(const crpv_pdfdoc *doc)
{
    return doc->pdfx ? "crpv " CRPV_VERSION " (Cairo, Ghostscript, qpdf)"
                     : "crpv " CRPV_VERSION " (Cairo, qpdf)";
}

static void write_xmp(crpv_pdfdoc *doc)
{
    qpdf_data q = doc->q;
    char date[32], pdfdate[32];
    struct tm tm;
    gmtime_r(&doc->date, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(pdfdate, sizeof pdfdate, "D:%Y%m%d%H%M%SZ", &tm);
    /* The Info dictionary says the same as the XMP stream. */
    const struct {
        const char *key, *value;
    } info[] = {{"/Title", doc->title},       {"/Subject", doc->subject},
                {"/Author", doc->author},     {"/Keywords", doc->keywords},
                {"/Creator", doc->creator},   {"/Producer", producer(doc)},
                {"/CreationDate", pdfdate},   {"/ModDate", pdfdate}};
    /* qpdf_set_info_key() creates the dictionary; its strings are not
     * text strings, so the values go in as Unicode through the object. */
    qpdf_set_info_key(q, "/Producer", "crpv");
    qpdf_oh infod = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
    for (size_t i = 0; i < G_N_ELEMENTS(info); i++)
        if (info[i].value)
            qpdf_oh_replace_key(q, infod, info[i].key, qpdf_oh_new_unicode_string(q, info[i].value));
    if (doc->pdfx) {
        qpdf_oh_replace_key(q, infod, "/GTS_PDFXVersion", qpdf_oh_new_string(q, "PDF/X-4"));
        qpdf_oh_replace_key(q, infod, "/Trapped", qpdf_oh_new_name(q, "/False"));
    }
    g_autofree char *docid = stable_uuid(doc, "document");
    g_autofree char *instid = stable_uuid(doc, doc->pdfx ? "print" : "screen");
    GString *x = g_string_new("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                              "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                              " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                              "  <rdf:Description rdf:about=\"\"\n"
                              "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                              "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                              "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                              "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
                              "    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"\n"
                              "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
                              "   <dc:format>application/pdf</dc:format>\n");
    if (doc->ua && !doc->pdfx)
        g_string_append(x, "   <pdfuaid:part>1</pdfuaid:part>\n");
    if (doc->title) {
        g_string_append(x, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(x, doc->title);
        g_string_append(x, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (doc->author) {
        g_string_append(x, "   <dc:creator><rdf:Seq><rdf:li>");
        xml_text(x, doc->author);
        g_string_append(x, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (doc->subject) {
        g_string_append(x, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(x, doc->subject);
        g_string_append(x, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    if (doc->lang) {
        g_string_append(x, "   <dc:language><rdf:Bag><rdf:li>");
        xml_text(x, doc->lang);
        g_string_append(x, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    if (doc->keywords) {
        g_string_append(x, "   <pdf:Keywords>");
        xml_text(x, doc->keywords);
        g_string_append(x, "</pdf:Keywords>\n");
    }
    g_string_append(x, "   <pdf:Producer>");
    xml_text(x, producer(doc));
    g_string_append(x, "</pdf:Producer>\n");
    if (doc->creator) {
        g_string_append(x, "   <xmp:CreatorTool>");
        xml_text(x, doc->creator);
        g_string_append(x, "</xmp:CreatorTool>\n");
    }
    g_string_append_printf(x,
                           "   <xmp:CreateDate>%s</xmp:CreateDate>\n"
                           "   <xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                           "   <xmp:MetadataDate>%s</xmp:MetadataDate>\n"
                           "   <xmpMM:DocumentID>%s</xmpMM:DocumentID>\n"
                           "   <xmpMM:InstanceID>%s</xmpMM:InstanceID>\n"
                           "   <xmpMM:VersionID>1</xmpMM:VersionID>\n"
                           "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n",
                           date, date, date, docid, instid);
    if (doc->pdfx)
        g_string_append(x, "   <pdf:Trapped>False</pdf:Trapped>\n"
                           "   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n");
    g_string_append(x, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
                       "<?xpacket end=\"w\"?>\n");
    qpdf_oh meta = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, meta, (const unsigned char *)x->str, x->len,
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh d = qpdf_oh_get_dict(q, meta);
    qpdf_oh_replace_key(q, d, "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, d, "/Subtype", qpdf_oh_new_name(q, "/XML"));
    qpdf_oh_replace_key(q, qpdf_get_root(q), "/Metadata", meta);
    g_string_free(x, TRUE);
}

GByteArray *crpv_pdfdoc_write(crpv_pdfdoc *doc, GError **error)
{
    qpdf_data q = doc->q;
    if (doc->has_meta)
        write_xmp(doc);
    /* An /ID read in (Ghostscript's is random) would be kept as the
     * first half of the new one. */
    qpdf_oh_remove_key(q, qpdf_get_trailer(q), "/ID");
    if (!(qpdf_init_write_memory(q) & QPDF_ERRORS)) {
        qpdf_set_compress_streams(q, QPDF_TRUE);
        qpdf_set_object_stream_mode(q, qpdf_o_preserve);
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        if (doc->pdfx)
            qpdf_set_minimum_pdf_version(q, "1.6");
        if (!(qpdf_write(q) & QPDF_ERRORS)) {
            GByteArray *out = g_byte_array_sized_new((guint)qpdf_get_buffer_length(q));
            g_byte_array_append(out, qpdf_get_buffer(q), (guint)qpdf_get_buffer_length(q));
            return out;
        }
    }
    qpdf_error e = qpdf_get_error(q);
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s : écriture du PDF impossible : %s",
                doc->name, e ? qpdf_get_error_full_text(q, e) : "erreur inconnue");
    return NULL;
}
