/*
 * Replay driver: runs a harness's LLVMFuzzerTestOneInput() over files
 * without libFuzzer, so the committed corpora are regression tests in
 * every build (plain, ASan+UBSan, valgrind).
 *
 *   fuzz-qmp-replay FILE|DIR...
 *
 * A directory means every regular file in it, in name order (so runs
 * are reproducible).  Exits 0 after replaying everything; a finding
 * aborts (or the sanitizer ends the process) with the file name printed
 * just before.  With no file at all it fails, so a mistyped corpus path
 * cannot pass silently.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replayed;

static void replay_file(const char *path)
{
    g_autofree char *contents = NULL;
    g_autoptr(GError) err = NULL;
    gsize len;

    if (!g_file_get_contents(path, &contents, &len, &err)) {
        fprintf(stderr, "replay: %s\n", err->message);
        exit(1);
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, (size_t)len);
    /* A copy of exactly @len bytes so ASan sees any over-read. */
    {
        uint8_t *copy = g_memdup2(contents, len);

        LLVMFuzzerTestOneInput(copy, len);
        g_free(copy);
    }
    replayed++;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void replay_path(const char *path)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        replay_file(path);
        return;
    }
    dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        exit(1);
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);

        if (g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
            replay_file(file);
        }
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        replay_path(argv[i]);
    }
    if (replayed == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    fprintf(stderr, "replay: %u inputs, no finding\n", replayed);
    return 0;
}
