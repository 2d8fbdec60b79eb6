/* The style: page format, margins, colours, fonts and map layout, read from
 * style.ini (a GLib key file). Every key is optional; the defaults give the
 * network's brochure. */
#ifndef CRPV_STYLE_H
#define CRPV_STYLE_H

#include <glib.h>
#include <stdbool.h>
#include "scene.h"

/* An inset's place on the map, in points from the map's top-left corner. */
typedef struct {
    char *code;        /* region code ("01") or "idf" for Île-de-France */
    char *title;       /* printed name */
    char *crs;         /* projection, "EPSG:5490" */
    crpv_rect frame;
} crpv_inset_style;

/* A colour for print, in percent of each ink (0..100). */
typedef struct {
    double c, m, y, k;
} crpv_cmyk;

/* A brand colour declared for print beside its screen value:
 * "principale = #b5174f / 0 95 45 10" in [couleurs]. */
typedef struct {
    crpv_color screen;
    crpv_cmyk print;
    bool has_print; /* false: the screen value only, converted by the output profile */
    bool declared;  /* the print value was written in the style file */
} crpv_print_color;

typedef struct {
    /* [page] in millimetres */
    double page_width, page_height;
    double margin_top, margin_bottom, margin_inner, margin_outer;
    double bleed;                 /* --print bleed, mm */
    /* [couleurs] */
    crpv_color primary;           /* the network's colour: markers, served regions' outline,
                                   * headings */
    crpv_color served;            /* fill of regions with an active centre: by default a
                                   * tint of PRIMARY light enough for dark labels */
    crpv_color secondary;         /* ground of regions with a centre being set up, under
                                   * HATCH's stripes: by default SERVED, so that the class
                                   * reads as "served, not yet wholly" */
    crpv_color hatch;             /* the préfiguration class's stripes: white, derived */
    crpv_color neutral;           /* regions without a centre: a light warm grey that the
                                   * page's white still sets off */
    crpv_color border;            /* region borders */
    crpv_color text;
    crpv_color sea;               /* map background (none by default) */
    crpv_color marker;            /* marker discs: PRIMARY unless set */
    crpv_color marker_text;
    crpv_color map_text;          /* the map's labels */
    crpv_color marker_pending;    /* directory badges of centres being set up */
    /* The same colours for print, in the order of the keys of [couleurs];
     * refreshed by the parser. */
    crpv_print_color print_colors[11];
    size_t n_print_colors;
    crpv_color marker_print_key;  /* what the print brochure paints MARKER's marks with:
                                   * MARKER itself, or a colour one step off when MARKER
                                   * shares its screen value with a colour printed
                                   * otherwise (the raspberry: markers print in one ink,
                                   * headings in three), so that the print pass tells
                                   * them apart; refreshed by the parser */
    /* [impression] */
    char *icc_profile;            /* the print shop's CMYK profile, NULL: the default */
    char *output_condition;       /* its registered name ("FOGRA39"), NULL: "Custom" */
    double max_ink;               /* total ink limit, percent */
    /* [polices] */
    char *font_family;            /* "Lato" */
    double body_size;             /* points */
    double min_directory_size;    /* smallest size the directory may shrink to */
    /* [carte] in points */
    double map_width, map_height; /* the map's proportions and the frames' coordinate
                                   * system; the map is drawn at the verso's width */
    char *metro_crs;              /* "EPSG:2154" */
    crpv_rect metro_frame;        /* where metropolitan France is fitted */
    crpv_inset_style *insets;     /* N_INSETS, owned */
    size_t n_insets;
    char *label_field;            /* "territoire" or "nom" */
    bool legend;
    char *credit;                 /* « Source : IGN – Admin Express COG 2018 » */
    bool credit_from_style;       /* CREDIT given by the style file, not the default */
    /* [geo] field names; NULL (the default) lets the geo module find them */
    char *regions_code_field, *regions_name_field;
    char *departements_code_field, *departements_name_field;
    char *hyphen_dictionary;      /* path of hyph_fr.dic */
    /* What reading the file found worth a word (lines decoded as
     * Windows-1252): "PATH:LINE: attention : ..." strings, owned. */
    GPtrArray *warnings;
} crpv_style;

/* Defaults, freed with crpv_style_free(). */
crpv_style *crpv_style_new_default(void);
/* Defaults overridden by the key file at PATH. A file that cannot be read
 * or is not a regular file of at most CRPV_MAX_STYLE_BYTES (textfile.h),
 * an unknown group or key, or a value of the wrong kind is an error:
 * ERROR holds one "PATH:LINE: message" per problem, in French. */
crpv_style *crpv_style_load(const char *path, GError **error);
/* The same from TEXT (LEN bytes), PATH used in messages only. */
crpv_style *crpv_style_parse(const char *text, size_t len, const char *path, GError **error);
void crpv_style_free(crpv_style *style); /* NULL is fine */
/* Removes the inset of CODE, if there is one (its territory is then drawn
 * on the metropolitan frame, where the boundaries put it). */
void crpv_style_drop_inset(crpv_style *style, const char *code);

/* The thresholds the map's colours are held to (QUALITY.md): contrast
 * ratio between the fills of two classes, and of a label's text with the
 * ground under it, under normal vision and the deuteranopia and
 * protanopia simulations. */
#define CRPV_CLASS_CONTRAST 3.0
#define CRPV_TEXT_CONTRAST 4.5

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_style, crpv_style_free)

#endif
