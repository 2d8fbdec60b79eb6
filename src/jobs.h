/* Rendering on both cores: PDF, SVG and PNG files are queued as jobs, run
 * by a second thread with fonts of its own and by the caller's thread when
 * it has nothing else to do, and added to the batch in the order they were
 * queued, so that the outputs never depend on which thread made them. */
#ifndef CRPV_JOBS_H
#define CRPV_JOBS_H

#include <glib.h>
#include <pango/pango.h>
#include <stdbool.h>
#include "output.h"
#include "printpdf.h"
#include "scene.h"

typedef struct crpv_jobs crpv_jobs;

/* Starts the second thread, which loads the fonts of FONTS_DIR (borrowed,
 * kept until crpv_jobs_finish()). Never fails: without a second thread the
 * caller's does all the work. Release with crpv_jobs_free(). */
crpv_jobs *crpv_jobs_new(const char *fonts_dir);
/* Queue a file NAME. Scenes and pages are borrowed and must stay alive and
 * unchanged until crpv_jobs_finish(); strings are copied. */
void crpv_jobs_png(crpv_jobs *jobs, const char *name, const crpv_scene *scene, double scale);
/* A PNG DENSITY times the size SCALE gives (crpv_output_png_density). */
void crpv_jobs_png_density(crpv_jobs *jobs, const char *name, const crpv_scene *scene,
                           double scale, int density);
void crpv_jobs_svg(crpv_jobs *jobs, const char *name, const crpv_scene *scene);
void crpv_jobs_pdf(crpv_jobs *jobs, const char *name, const crpv_scene *const *pages, size_t n,
                   const crpv_pdf_info *info);
/* Queue the print file NAME: the PDF of PAGES made ready for the print
 * shop by crpv_print_pdf() under STYLE (borrowed, alive until
 * crpv_jobs_finish()) with the profile at ICC_PATH (copied; NULL: the
 * style's or the default). Its preflight is kept for crpv_jobs_preflight(). */
void crpv_jobs_print_pdf(crpv_jobs *jobs, const char *name, const crpv_scene *const *pages,
                         size_t n, const crpv_pdf_info *info, const crpv_style *style,
                         const char *icc_path);
/* The preflight of the last print file, once crpv_jobs_finish() returned;
 * NULL when none was made. Borrowed. */
const crpv_preflight *crpv_jobs_preflight(const crpv_jobs *jobs);
/* Runs what is left on the calling thread with CTX too, waits for the
 * second thread, and adds every file to BATCH in queue order. False with
 * ERROR set for the first job that failed. */
bool crpv_jobs_finish(crpv_jobs *jobs, PangoContext *ctx, crpv_batch *batch, GError **error);
/* Waits for the second thread if crpv_jobs_finish() was not called. NULL
 * is fine. */
void crpv_jobs_free(crpv_jobs *jobs);

#endif
