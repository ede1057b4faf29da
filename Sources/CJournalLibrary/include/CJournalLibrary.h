#ifndef CJOURNALLIBRARY_H
#define CJOURNALLIBRARY_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-journal.h>

/// The sd_journal calls mailsla makes, as function pointers into one loaded copy of libsystemd.
///
/// Why: every sd_journal call first runs libsystemd's getpid cache, a locked compare-and-swap on one
/// process-wide word. Two threads reading journals at once bounce that cache line between the cores
/// on every call (about twelve per entry): measured here, two threads on two files took twice the CPU
/// of one thread and no less wall time. A copy loaded with dlmopen into its own link-map namespace
/// has its own word, so each journal lane calls through its own copy.
typedef struct mailsla_journal_library {
    int (*open_files)(sd_journal **ret, const char **paths, int flags);
    int (*open_directory)(sd_journal **ret, const char *path, int flags);
    int (*open)(sd_journal **ret, int flags);
    int (*open_namespace)(sd_journal **ret, const char *name, int flags);
    void (*close)(sd_journal *j);
    int (*set_data_threshold)(sd_journal *j, size_t size);
    int (*add_match)(sd_journal *j, const void *data, size_t size);
    int (*seek_head)(sd_journal *j);
    int (*seek_cursor)(sd_journal *j, const char *cursor);
    int (*seek_realtime_usec)(sd_journal *j, uint64_t usec);
    int (*next)(sd_journal *j);
    int (*previous)(sd_journal *j);
    int (*get_realtime_usec)(sd_journal *j, uint64_t *ret);
    void (*restart_data)(sd_journal *j);
    int (*enumerate_available_data)(sd_journal *j, const void **data, size_t *length);
    int (*get_cursor)(sd_journal *j, char **cursor);
    int (*test_cursor)(sd_journal *j, const char *cursor);
    /// The `free` of the C library this copy allocates with (a cursor string is freed with it).
    void (*free)(void *pointer);
} mailsla_journal_library;

/// The libsystemd the process links against.
const mailsla_journal_library *mailsla_journal_library_linked(void);

/// Private copy number `index` (0, 1, …) of libsystemd, loaded on first use with dlmopen into a
/// namespace of its own and kept for the life of the process. NULL when it cannot be loaded (glibc has
/// room for a few namespaces only; sanitizer builds never load one): `error` then holds the reason.
const mailsla_journal_library *mailsla_journal_library_private(int index, char *error, size_t errorLength);

#endif
