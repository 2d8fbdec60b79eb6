/* Reading the text files crpv is given (the directory, the prose, the
 * style): bounded in size, regular files only, and decoded line by line
 * where a UTF-8 file holds lines pasted from a Windows-1252 source. */
#ifndef CRPV_TEXTFILE_H
#define CRPV_TEXTFILE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The error domain of a file refused for what it is (too large, not a
 * regular file, an encoding that cannot be read): an input error, where
 * G_FILE_ERROR is an I/O one. */
#define CRPV_TEXTFILE_ERROR (crpv_textfile_error_quark())
GQuark crpv_textfile_error_quark(void);

/* The largest inputs read, in bytes: far above what a network's files hold
 * (the shipped ones are 4 KB, 7 KB and 6 KB), far below what would make a
 * run take minutes. */
#define CRPV_MAX_DIRECTORY_BYTES (64u << 20) /* 100,000 centres of 600 bytes */
#define CRPV_MAX_PROSE_BYTES (256u << 10)    /* a recto holds about 6 KB */
#define CRPV_MAX_STYLE_BYTES (1u << 20)

/* "1 Mo", "64 Mo", "512 Ko": BYTES as a French reader says it. Returns a
 * new string. */
char *crpv_textfile_size_label(size_t bytes);

/* Reads the file at PATH ("-": standard input) into *DATA (new,
 * NUL-terminated, g_free) and *LEN. A file that is not a regular file (a
 * device, a pipe, a folder) or is larger than MAX_BYTES is refused before
 * it is read, with ERROR in CRPV_TEXTFILE_ERROR saying "PATH: problem"
 * and the limit, in French; a file that cannot be read sets ERROR in
 * G_FILE_ERROR ("PATH: fichier introuvable"...). */
bool crpv_textfile_read(const char *path, size_t max_bytes, char **data, size_t *len,
                        GError **error);

/* True when DATA (LEN bytes) has a line that is valid UTF-8 and holds a
 * character beyond ASCII: the file was written as UTF-8, so that a line
 * that is not must have been pasted from elsewhere. */
bool crpv_textfile_has_utf8_line(const char *data, size_t len);

/* DATA (LEN bytes, no BOM) decoded as UTF-8, except each line that is
 * not valid UTF-8, decoded as Windows-1252 with a warning
 * "FILENAME:LINE: attention : ..." appended to WARNINGS (may be NULL;
 * the first few lines are named, then a count). Lines are counted as CSV
 * files and editors do: LF, CRLF and a lone CR each end one. *CONVERTED,
 * when not NULL, gets the number of lines converted. Returns a new
 * NUL-terminated string, or NULL with ERROR (CRPV_TEXTFILE_ERROR,
 * "FILENAME:LINE: ...") when a line holds a NUL byte or a byte that
 * Windows-1252 does not define. */
char *crpv_textfile_decode_lines(const char *data, size_t len, const char *filename,
                                 GPtrArray *warnings, size_t *converted, GError **error);

#endif
