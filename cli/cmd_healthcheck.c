/* `irfa healthcheck`: asks the local server's /healthz (for Docker's HEALTHCHECK, which should not
 * need curl in the image). Exit 0 when it answers 200, 1 otherwise. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"

static int http_status(const char *host, const char *port, int timeout_s, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc) { snprintf(err, errlen, "%s: %s", host, gai_strerror(rc)); return -1; }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {timeout_s, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen)) { close(fd); fd = -1; }
    }
    freeaddrinfo(res);
    if (fd < 0) { snprintf(err, errlen, "cannot connect to %s:%s", host, port); return -1; }
    char req[512], buf[256];
    int len = snprintf(req, sizeof req, "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
    if (write(fd, req, (size_t)len) != len) { close(fd); snprintf(err, errlen, "cannot send the request"); return -1; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) { snprintf(err, errlen, "no answer"); return -1; }
    buf[n] = 0;
    int status = 0;
    if (sscanf(buf, "HTTP/%*d.%*d %d", &status) != 1) { snprintf(err, errlen, "not an HTTP answer"); return -1; }
    return status;
}

int cmd_healthcheck(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = getenv("IRFA_PORT");
    long timeout = 5, p;
    if (!port || !*port) port = "8080";
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: irfa healthcheck [--host HOST] [--port PORT] [--timeout S]\n"
                   "GET http://HOST:PORT/healthz (default 127.0.0.1, IRFA_PORT or 8080); exit 0 on 200.\n");
            return 0;
        }
        if (opt_value(argc, argv, &i, "--host", &v, &missing)) host = v;
        else if (opt_value(argc, argv, &i, "--port", &v, &missing)) port = v;
        else if (opt_value(argc, argv, &i, "--timeout", &v, &missing)) {
            if (!missing && !opt_parse_int(v, 1, 300, &timeout)) { fprintf(stderr, "irfa healthcheck: --timeout must be 1..300\n"); return 2; }
        } else { fprintf(stderr, "irfa healthcheck: unknown option '%s'\n", argv[i]); return 2; }
        if (missing) { fprintf(stderr, "irfa healthcheck: %s needs a value\n", argv[i]); return 2; }
    }
    if (!opt_parse_int(port, 1, 65535, &p)) { fprintf(stderr, "irfa healthcheck: bad port '%s'\n", port); return 2; }
    char err[256];
    int status = http_status(host, port, (int)timeout, err, sizeof err);
    if (status == 200) { printf("ok\n"); return 0; }
    if (status < 0) fprintf(stderr, "irfa healthcheck: %s\n", err);
    else fprintf(stderr, "irfa healthcheck: /healthz answered %d\n", status);
    return 1;
}
