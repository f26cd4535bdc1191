/*
 * tap.h: a tiny TAP producer for the C unit tests (prove reads it).
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..."; diag() prints
 * "# ..." lines; done() prints the plan and returns the exit status.
 */
#ifndef MSS_TAP_H
#define MSS_TAP_H

#include <stdarg.h>
#include <stdio.h>

typedef struct {
    int n;
    int failed;
} tap_t;

static tap_t tap_state;

__attribute__((unused)) static void tap_vprint(int pass, const char *fmt,
                                               va_list ap)
{
    tap_state.n++;
    if (!pass) {
        tap_state.failed++;
    }
    printf("%s %d - ", pass ? "ok" : "not ok", tap_state.n);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
}

static int ok(int pass, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int ok(int pass, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tap_vprint(pass, fmt, ap);
    va_end(ap);
    return pass;
}

static void diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), unused));
static void diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

__attribute__((unused)) static int done(void)
{
    printf("1..%d\n", tap_state.n);
    if (tap_state.n == 0) {
        printf("# no test ran\n");
        return 1;
    }
    return tap_state.failed > 0 ? 1 : 0;
}

#endif
