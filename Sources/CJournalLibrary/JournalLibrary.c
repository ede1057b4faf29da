#define _GNU_SOURCE
#include "CJournalLibrary.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MAILSLA_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MAILSLA_SANITIZED 1
#endif

static const mailsla_journal_library linked = {
    .open_files = sd_journal_open_files,
    .open_directory = sd_journal_open_directory,
    .open = sd_journal_open,
    .open_namespace = sd_journal_open_namespace,
    .close = sd_journal_close,
    .set_data_threshold = sd_journal_set_data_threshold,
    .add_match = sd_journal_add_match,
    .seek_head = sd_journal_seek_head,
    .seek_cursor = sd_journal_seek_cursor,
    .seek_realtime_usec = sd_journal_seek_realtime_usec,
    .next = sd_journal_next,
    .previous = sd_journal_previous,
    .get_realtime_usec = sd_journal_get_realtime_usec,
    .restart_data = sd_journal_restart_data,
    .enumerate_available_data = sd_journal_enumerate_available_data,
    .get_cursor = sd_journal_get_cursor,
    .test_cursor = sd_journal_test_cursor,
    .free = free,
};

const mailsla_journal_library *mailsla_journal_library_linked(void) { return &linked; }

enum { copies_max = 8 };
static pthread_mutex_t copies_lock = PTHREAD_MUTEX_INITIALIZER;
static mailsla_journal_library copies[copies_max];
static int copies_loaded[copies_max];   /* 0 not tried, 1 loaded, -1 failed */
static char copies_error[copies_max][256];

/// Resolves every entry of `library` in `handle`; the name of the first missing symbol, or NULL.
static const char *resolve(void *handle, mailsla_journal_library *library) {
#define RESOLVE(field, symbol) \
    if (!(*(void **)&library->field = dlsym(handle, symbol))) return symbol;
    RESOLVE(open_files, "sd_journal_open_files")
    RESOLVE(open_directory, "sd_journal_open_directory")
    RESOLVE(open, "sd_journal_open")
    RESOLVE(open_namespace, "sd_journal_open_namespace")
    RESOLVE(close, "sd_journal_close")
    RESOLVE(set_data_threshold, "sd_journal_set_data_threshold")
    RESOLVE(add_match, "sd_journal_add_match")
    RESOLVE(seek_head, "sd_journal_seek_head")
    RESOLVE(seek_cursor, "sd_journal_seek_cursor")
    RESOLVE(seek_realtime_usec, "sd_journal_seek_realtime_usec")
    RESOLVE(next, "sd_journal_next")
    RESOLVE(previous, "sd_journal_previous")
    RESOLVE(get_realtime_usec, "sd_journal_get_realtime_usec")
    RESOLVE(restart_data, "sd_journal_restart_data")
    RESOLVE(enumerate_available_data, "sd_journal_enumerate_available_data")
    RESOLVE(get_cursor, "sd_journal_get_cursor")
    RESOLVE(test_cursor, "sd_journal_test_cursor")
    RESOLVE(free, "free")
#undef RESOLVE
    return NULL;
}

static void load(int index) {
#if defined(MAILSLA_SANITIZED)
    snprintf(copies_error[index], sizeof copies_error[index], "sanitizer builds load no private copy");
    copies_loaded[index] = -1;
#else
    void *handle = dlmopen(LM_ID_NEWLM, "libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(copies_error[index], sizeof copies_error[index], "dlmopen: %s", why ? why : "unknown error");
        copies_loaded[index] = -1;
        return;
    }
    const char *missing = resolve(handle, &copies[index]);
    if (missing) {
        snprintf(copies_error[index], sizeof copies_error[index], "the copy lacks %s", missing);
        copies_loaded[index] = -1;   /* the namespace stays: glibc does not reliably unload one */
        return;
    }
    copies_loaded[index] = 1;
#endif
}

const mailsla_journal_library *mailsla_journal_library_private(int index, char *error, size_t errorLength) {
    if (index < 0 || index >= copies_max) {
        if (error && errorLength) snprintf(error, errorLength, "no private copy %d (at most %d)", index, copies_max);
        return NULL;
    }
    pthread_mutex_lock(&copies_lock);
    if (copies_loaded[index] == 0) load(index);
    const int loaded = copies_loaded[index];
    pthread_mutex_unlock(&copies_lock);
    if (loaded == 1) return &copies[index];
    if (error && errorLength) snprintf(error, errorLength, "%s", copies_error[index]);
    return NULL;
}
