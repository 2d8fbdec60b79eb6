#include "jobs.h"

#include "fonts.h"

typedef enum { JOB_PNG, JOB_SVG, JOB_PDF, JOB_PRINT_PDF } job_kind;

typedef struct {
    job_kind kind;
    char *name;
    const crpv_scene **pages; /* owned array of borrowed scenes */
    size_t n_pages;
    double scale;
    int density;              /* PNG: times the size SCALE gives */
    crpv_pdf_info info;       /* strings owned */
    const crpv_style *style;  /* JOB_PRINT_PDF, borrowed */
    char *icc_path;           /* JOB_PRINT_PDF, owned, may be NULL */
    crpv_preflight preflight; /* JOB_PRINT_PDF */
    GByteArray *bytes;        /* the result, or NULL with ERROR set */
    GError *error;
} job;

struct crpv_jobs {
    GMutex lock;
    GCond changed;
    GPtrArray *queue; /* of job, owned */
    guint next;       /* the first job nobody has taken */
    guint done;
    bool closed;      /* no more jobs will come */
    const char *fonts_dir;
    GThread *thread;
};

static void job_free(gpointer data)
{
    job *j = data;
    g_free(j->name);
    g_free(j->pages);
    g_free((char *)j->info.title);
    g_free((char *)j->info.subject);
    g_free((char *)j->info.author);
    g_free((char *)j->info.keywords);
    g_free((char *)j->info.creator);
    g_free((char *)j->info.figure_alt);
    g_free(j->icc_path);
    crpv_preflight_clear(&j->preflight);
    if (j->bytes)
        g_byte_array_free(j->bytes, TRUE);
    g_clear_error(&j->error);
    g_free(j);
}

static void run_job(job *j, PangoContext *ctx)
{
    switch (j->kind) {
    case JOB_PNG:
        j->bytes = crpv_output_png_density(j->name, j->pages[0], ctx, j->scale, j->density, NULL,
                                           NULL, &j->error);
        break;
    case JOB_SVG:
        j->bytes = crpv_output_svg(j->name, j->pages[0], ctx, &j->error);
        break;
    case JOB_PDF:
        j->bytes = crpv_output_pdf(j->name, j->pages, j->n_pages, ctx, &j->info, &j->error);
        break;
    case JOB_PRINT_PDF: {
        /* Only a step to the print file: no metadata nor reader's additions,
         * which the print file does not keep. */
        GByteArray *rgb = crpv_output_pdf(j->name, j->pages, j->n_pages, ctx, NULL, &j->error);
        if (rgb) {
            j->bytes = crpv_print_pdf(j->name, rgb, j->pages, j->n_pages, j->style, j->icc_path,
                                      &j->info, &j->preflight, &j->error);
            g_byte_array_free(rgb, TRUE);
        }
        break;
    }
    }
}

/* Takes and runs jobs until the queue is closed and empty. WAIT: block for
 * jobs still to come (the second thread), or return once none is left
 * (the caller's, which then waits for the rest). */
static void work(crpv_jobs *jobs, PangoContext *ctx, bool wait)
{
    g_mutex_lock(&jobs->lock);
    for (;;) {
        if (jobs->next < jobs->queue->len) {
            job *j = g_ptr_array_index(jobs->queue, jobs->next++);
            g_mutex_unlock(&jobs->lock);
            run_job(j, ctx);
            g_mutex_lock(&jobs->lock);
            jobs->done++;
            g_cond_broadcast(&jobs->changed);
        } else if (wait && !jobs->closed) {
            g_cond_wait(&jobs->changed, &jobs->lock);
        } else {
            break;
        }
    }
    g_mutex_unlock(&jobs->lock);
}

static gpointer second_thread(gpointer data)
{
    crpv_jobs *jobs = data;
    /* Interruptions are handled by the thread that owns the batch. */
    sigset_t saved;
    crpv_output_block_signals(true, &saved);
    /* A PangoContext serves one thread: this one has its own fonts. If
     * they cannot be loaded, the caller's thread does all the work. */
    PangoContext *ctx = crpv_fonts_context_new(jobs->fonts_dir, NULL);
    if (ctx) {
        work(jobs, ctx, true);
        g_object_unref(ctx);
    }
    return NULL;
}

crpv_jobs *crpv_jobs_new(const char *fonts_dir)
{
    crpv_jobs *jobs = g_new0(crpv_jobs, 1);
    g_mutex_init(&jobs->lock);
    g_cond_init(&jobs->changed);
    jobs->queue = g_ptr_array_new_with_free_func(job_free);
    jobs->fonts_dir = fonts_dir;
    jobs->thread = g_thread_try_new("crpv-render", second_thread, jobs, NULL);
    return jobs;
}

static void push(crpv_jobs *jobs, job *j)
{
    g_mutex_lock(&jobs->lock);
    g_ptr_array_add(jobs->queue, j);
    g_cond_broadcast(&jobs->changed);
    g_mutex_unlock(&jobs->lock);
}

static job *job_new(job_kind kind, const char *name, const crpv_scene *const *pages, size_t n)
{
    job *j = g_new0(job, 1);
    j->kind = kind;
    j->name = g_strdup(name);
    j->pages = g_memdup2(pages, n * sizeof *pages);
    j->n_pages = n;
    return j;
}

void crpv_jobs_png(crpv_jobs *jobs, const char *name, const crpv_scene *scene, double scale)
{
    crpv_jobs_png_density(jobs, name, scene, scale, 1);
}

void crpv_jobs_png_density(crpv_jobs *jobs, const char *name, const crpv_scene *scene,
                           double scale, int density)
{
    job *j = job_new(JOB_PNG, name, &scene, 1);
    j->scale = scale;
    j->density = density;
    push(jobs, j);
}

void crpv_jobs_svg(crpv_jobs *jobs, const char *name, const crpv_scene *scene)
{
    push(jobs, job_new(JOB_SVG, name, &scene, 1));
}

void crpv_jobs_pdf(crpv_jobs *jobs, const char *name, const crpv_scene *const *pages, size_t n,
                   const crpv_pdf_info *info)
{
    job *j = job_new(JOB_PDF, name, pages, n);
    j->info = (crpv_pdf_info){g_strdup(info->title),    g_strdup(info->subject),
                              g_strdup(info->author),   g_strdup(info->keywords),
                              g_strdup(info->creator),  info->date,
                              g_strdup(info->figure_alt)};
    push(jobs, j);
}

void crpv_jobs_print_pdf(crpv_jobs *jobs, const char *name, const crpv_scene *const *pages,
                         size_t n, const crpv_pdf_info *info, const crpv_style *style,
                         const char *icc_path)
{
    job *j = job_new(JOB_PRINT_PDF, name, pages, n);
    j->info = (crpv_pdf_info){g_strdup(info->title),    g_strdup(info->subject),
                              g_strdup(info->author),   g_strdup(info->keywords),
                              g_strdup(info->creator),  info->date,
                              g_strdup(info->figure_alt)};
    j->style = style;
    j->icc_path = g_strdup(icc_path);
    push(jobs, j);
}

const crpv_preflight *crpv_jobs_preflight(const crpv_jobs *jobs)
{
    const crpv_preflight *found = NULL;
    for (guint i = 0; i < jobs->queue->len; i++) {
        const job *j = g_ptr_array_index(jobs->queue, i);
        if (j->kind == JOB_PRINT_PDF && j->bytes)
            found = &j->preflight;
    }
    return found;
}

/* Closes the queue and waits for the second thread to end. */
static void stop(crpv_jobs *jobs)
{
    g_mutex_lock(&jobs->lock);
    jobs->closed = true;
    g_cond_broadcast(&jobs->changed);
    g_mutex_unlock(&jobs->lock);
    if (jobs->thread)
        g_thread_join(jobs->thread);
    jobs->thread = NULL;
}

bool crpv_jobs_finish(crpv_jobs *jobs, PangoContext *ctx, crpv_batch *batch, GError **error)
{
    g_mutex_lock(&jobs->lock);
    jobs->closed = true;
    g_cond_broadcast(&jobs->changed);
    g_mutex_unlock(&jobs->lock);
    work(jobs, ctx, false);
    stop(jobs);
    for (guint i = 0; i < jobs->queue->len; i++) {
        job *j = g_ptr_array_index(jobs->queue, i);
        if (!j->bytes) {
            g_propagate_error(error, j->error);
            j->error = NULL;
            return false;
        }
        if (!crpv_batch_add_bytes(batch, j->name, j->bytes->data, j->bytes->len, error))
            return false;
    }
    return true;
}

void crpv_jobs_free(crpv_jobs *jobs)
{
    if (!jobs)
        return;
    stop(jobs);
    /* Jobs never taken (the caller gave up) are simply dropped. */
    g_ptr_array_free(jobs->queue, TRUE);
    g_mutex_clear(&jobs->lock);
    g_cond_clear(&jobs->changed);
    g_free(jobs);
}
