/*
 * maxrss - run a command and record its peak resident set size.
 *
 *   maxrss REPORT PROGRAM [ARG...]
 *
 * Forks, execs PROGRAM with the caller's stdin/stdout/stderr (so a shell
 * redirection of maxrss's stdout reaches PROGRAM), waits with wait4() and
 * appends one line to REPORT:
 *     maxrss_kb=N exit=S PROGRAM
 * N is ru_maxrss (KiB): the child's VmHWM.  Exits with the child's status
 * (128+signal when killed).  Built static on the host by tests/e2e/run.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status, code;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss REPORT PROGRAM [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("maxrss: wait4");
		return 127;
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = fopen(argv[1], "a");
	if (!f) {
		perror(argv[1]);
		return 127;
	}
	fprintf(f, "maxrss_kb=%ld exit=%d %s\n", ru.ru_maxrss, code, argv[2]);
	fclose(f);
	return code;
}
