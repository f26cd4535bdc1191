/*
 * replay.c: runs LLVMFuzzerTestOneInput over files, for builds without
 * libFuzzer (the normal test run, under ASan and UBSan).  Arguments are
 * files or directories (searched recursively).  Every body is replayed
 * with several request selectors and split offsets.  Prints TAP; fails when
 * it replayed nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long files;
static unsigned long runs;

static void replay_file(const char *path, int raw)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;
    static const unsigned sels[] = {0x00, 0x08, 0x19, 0x2a, 0x3b, 0x4c, 0xc3};
    /* with every opt-in fix on (fuzz_rewrite.c: byte 1 odd): PROPPATCH,
     * MOVE, LOCK Depth 0, PROPFIND Depth 0, COPY Depth 1, DELETE Depth
     * infinity (fuzz_req.h) */
    static const unsigned opt_sels[] = {0x01, 0x04, 0x12, 0x1a, 0x2a, 0x36};
    size_t i;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0) {
        printf("not ok - cannot read %s\n", path);
        exit(1);
    }
    buf = malloc((size_t)len + 3);
    if (buf == NULL || fread(buf + 3, 1, (size_t)len, f) != (size_t)len) {
        printf("not ok - cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    files++;
    if (raw) {
        /* a corpus file is a fuzzer input as it stands */
        LLVMFuzzerTestOneInput(buf + 3, (size_t)len);
        runs++;
    }
    else {
        /* a fixture is a body: prepend selectors and split offsets */
        for (i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
            size_t split = i == 0 ? 0 : ((size_t)len * i) / 6;

            buf[0] = (unsigned char)sels[i];
            buf[1] = (unsigned char)(split >> 8);
            buf[2] = (unsigned char)split;
            LLVMFuzzerTestOneInput(buf, (size_t)len + 3);
            runs++;
        }
        for (i = 0; i < sizeof(opt_sels) / sizeof(opt_sels[0]); i++) {
            buf[0] = (unsigned char)opt_sels[i];
            buf[1] = 1;
            buf[2] = (unsigned char)(i * 37);
            LLVMFuzzerTestOneInput(buf, (size_t)len + 3);
            runs++;
        }
    }
    free(buf);
}

static void walk(const char *path, int raw)
{
    struct stat st;
    DIR *d;
    struct dirent *e;

    if (stat(path, &st) != 0) {
        printf("not ok - %s does not exist\n", path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path, raw);
        return;
    }
    d = opendir(path);
    if (d == NULL) {
        printf("not ok - cannot open %s\n", path);
        exit(1);
    }
    while ((e = readdir(d)) != NULL) {
        char sub[4096];

        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(sub, raw);
        }
        else if (raw || strstr(e->d_name, ".xml") != NULL) {
            replay_file(sub, raw);
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    int i;
    int n = 0;

    printf("1..%d\n", argc - 1);
    for (i = 1; i < argc; i++) {
        unsigned long before = files;
        /* directories named "corpus" hold raw fuzzer inputs */
        int raw = strstr(argv[i], "corpus") != NULL;

        walk(argv[i], raw);
        printf("%s %d - replayed %lu %s from %s without a finding\n",
               files > before ? "ok" : "not ok", ++n, files - before,
               raw ? "corpus inputs" : "fixture bodies", argv[i]);
        if (files == before) {
            return 1;
        }
    }
    fprintf(stderr, "# %lu files, %lu runs\n", files, runs);
    return 0;
}
