/*
 * maxrss.c: run a command, then print its peak resident set size and how
 * it ended, for the hostile-input tests (bounded memory, no crash):
 *   maxrss CMD [ARG]...  ->  "maxrss_kb=N exit=C" or "maxrss_kb=N signal=S"
 * The command's stdout and stderr are left alone.  Exit status: 0 when the
 * command ran (whatever it returned), 2 when it could not be run.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    pid_t pid;
    int status = 0;
    struct rusage ru;

    if (argc < 2) {
        fputs("usage: maxrss CMD [ARG]...\n", stderr);
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execv(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "maxrss_kb=%ld signal=%d\n", ru.ru_maxrss,
                WTERMSIG(status));
    }
    else {
        fprintf(stderr, "maxrss_kb=%ld exit=%d\n", ru.ru_maxrss,
                WEXITSTATUS(status));
    }
    return 0;
}
