/*
 * The floor of any reader that goes through libsystemd: the fewest sd_journal calls that give
 * what mailsla takes from an entry (next, realtime, then the fields up to MESSAGE,
 * SYSLOG_IDENTIFIER, _PID and _HOSTNAME), and nothing else: no records, no copies, no threads.
 * scripts/journal-floor runs it on one file set, or as two processes on alternate files (what
 * two lanes can do at best), next to mailsla-bench's journal stage.
 *
 *   journal-floor FILE...   prints "<entries> <seconds> <checksum>" (the checksum only keeps the
 *                           compiler from dropping the calls' results)
 */
#include <systemd/sd-journal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int has_prefix(const void *data, size_t length, const char *prefix) {
    size_t n = strlen(prefix);
    return length > n && memcmp(data, prefix, n) == 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: journal-floor FILE...\n");
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    sd_journal *j;
    int r = sd_journal_open_files(&j, (const char **)(argv + 1), 0);
    if (r < 0) {
        fprintf(stderr, "journal-floor: cannot open the files: %s\n", strerror(-r));
        return 1;
    }
    sd_journal_set_data_threshold(j, 65536 + 9);
    long entries = 0;
    unsigned long long check = 0;   /* keeps the calls' results alive */
    while ((r = sd_journal_next(j)) > 0) {
        uint64_t usec = 0;
        sd_journal_get_realtime_usec(j, &usec);
        check += usec;
        const void *data;
        size_t length;
        int found = 0;
        sd_journal_restart_data(j);
        while (found != 15 && sd_journal_enumerate_available_data(j, &data, &length) > 0) {
            if (has_prefix(data, length, "MESSAGE=")) { found |= 1; check += length; }
            else if (has_prefix(data, length, "SYSLOG_IDENTIFIER=")) found |= 2;
            else if (has_prefix(data, length, "_PID=")) found |= 4;
            else if (has_prefix(data, length, "_HOSTNAME=")) found |= 8;
        }
        entries++;
    }
    if (r < 0) {
        fprintf(stderr, "journal-floor: cannot read the next entry: %s\n", strerror(-r));
        return 1;
    }
    sd_journal_close(j);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%ld %.6f %llu\n", entries, seconds, check % 1000);
    return 0;
}
