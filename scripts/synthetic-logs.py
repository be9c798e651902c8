#!/usr/bin/env python3
"""Writes a labelled corpus of log messages in formats the Loghub 2k files do not cover, to check
that the template miner's generic rules hold beyond the files they were developed on.

usage: scripts/synthetic-logs.py OUT_DIR SEED [LINES=2000]

For each family (auth, proxy, web, java, kube, db, kernel) it writes OUT_DIR/<family>.log (one
message per line, no header: mine it with --format '<Content>') and
OUT_DIR/<family>_structured.csv (LineId,EventId,EventTemplate), in the layout score_grouping.py
reads. Ground truth follows Loghub's labelling convention: a slot filled from an open-ended set
(numbers, addresses, user and host names, program names, class names, free text in quotes or after
a colon) is a variable of its event; events differ in their constant words. The families, events
and value generators were written before the miner was run on them; change them only to add
families, never to fit the miner.
"""
import csv
import os
import random
import string
import sys

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()
FIRST = ("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent "
         "victor walter wendy admin oracle postgres nagios git test guest ubuntu deploy backup jenkins").split()
TLDS = ["com", "net", "org", "io", "local", "internal"]


def user(r):
    return r.choice(FIRST)


def host(r):
    # host names with and without digits, dotted or not
    k = r.random()
    if k < 0.3:
        return r.choice(WORDS) + "." + r.choice(WORDS) + "." + r.choice(TLDS)
    if k < 0.5:
        return r.choice(WORDS)
    if k < 0.8:
        return "%s-%d.%s.%s" % (r.choice(WORDS), r.randint(1, 99), r.choice(WORDS), r.choice(TLDS))
    return ip(r)


def ip(r):
    return "%d.%d.%d.%d" % (r.randint(1, 223), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))


def num(r, lo=0, hi=100000):
    return str(r.randint(lo, hi))


def flt(r):
    return "%.3f" % (r.random() * r.choice([1, 10, 100, 1000]))


def hexid(r, n=12):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def uuid(r):
    h = hexid(r, 32)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def path(r):
    return "/" + "/".join(r.choice(WORDS + ["var", "log", "etc", "usr", "lib", "tmp", "home"])
                          for _ in range(r.randint(1, 5)))


def camel(r):
    return "".join(w.capitalize() for w in r.sample(WORDS, r.randint(1, 3)))


def java_class(r):
    return "com.%s.%s.%s" % (r.choice(WORDS), r.choice(WORDS), camel(r))


def sentence(r):
    # free text: 1-6 words, as in an exception message or a quoted description
    return " ".join(r.choice(WORDS + ["not", "found", "failed", "to", "the", "is", "unavailable"])
                    for _ in range(r.randint(1, 6)))


def prog(r):
    return r.choice(["chrome", "firefox", "outlook", "skype", "slack", "teams", "zoom", "spotify",
                     "dropbox", "svchost", "explorer", "msedge", "code", "java", "python"]) + \
        r.choice([".exe", ".exe", ""])


def duration(r):
    return r.choice(["%d ms" % r.randint(1, 999), "%.1f s" % (r.random() * 60), "%d sec" % r.randint(1, 59),
                     "<1 sec", "%02d:%02d" % (r.randint(0, 59), r.randint(0, 59))])


def sql(r):
    t = r.choice(WORDS)
    return r.choice([
        "SELECT * FROM %s WHERE id = %d" % (t, r.randint(1, 9999)),
        "UPDATE %s SET %s = %d WHERE id = %d" % (t, r.choice(WORDS), r.randint(1, 99), r.randint(1, 9999)),
        "INSERT INTO %s VALUES (%d, '%s')" % (t, r.randint(1, 9999), r.choice(WORDS)),
        "DELETE FROM %s WHERE created < now() - interval '%d days'" % (t, r.randint(1, 90)),
    ])


def user_agent(r):
    return r.choice([
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0 Safari/537.36"
        % r.randint(90, 130),
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0"
        % (r.randint(90, 130), r.randint(90, 130)),
        "curl/7.%d.0" % r.randint(50, 90),
        "kube-probe/1.%d" % r.randint(20, 30),
        "Go-http-client/1.1",
    ])


# Each event: (name, generator of the message, template)
def families():
    V = "<*>"
    return {
        "auth": [
            ("A1", lambda r: "Accepted password for %s from %s port %s ssh2" % (user(r), ip(r), num(r, 1024, 65535)),
             "Accepted password for <*> from <*> port <*> ssh2"),
            ("A2", lambda r: "Failed password for invalid user %s from %s port %s ssh2" % (user(r), ip(r), num(r, 1024, 65535)),
             "Failed password for invalid user <*> from <*> port <*> ssh2"),
            ("A3", lambda r: "pam_unix(sshd:session): session opened for user %s by (uid=%s)" % (user(r), num(r, 0, 2000)),
             "pam_unix(sshd:session): session opened for user <*> by (uid=<*>)"),
            ("A4", lambda r: "pam_unix(sshd:session): session closed for user %s" % user(r),
             "pam_unix(sshd:session): session closed for user <*>"),
            ("A5", lambda r: "pam_unix(sshd:auth): authentication failure; logname= uid=%s euid=%s tty=ssh ruser= rhost=%s"
             % (num(r, 0, 9), num(r, 0, 9), host(r)),
             "pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>"),
            ("A6", lambda r: "User %s from %s not allowed because not listed in AllowUsers" % (user(r), host(r)),
             "User <*> from <*> not allowed because not listed in AllowUsers"),
            ("A7", lambda r: "Received disconnect from %s: 11: Bye Bye [preauth]" % ip(r),
             "Received disconnect from <*>: 11: Bye Bye [preauth]"),
            ("A8", lambda r: "Connection closed by %s port %s [preauth]" % (ip(r), num(r, 1024, 65535)),
             "Connection closed by <*> port <*> [preauth]"),
            ("A9", lambda r: "%s : TTY=pts/%s ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/%s"
             % (user(r), num(r, 0, 9), user(r), r.choice(WORDS)),
             "<*> : TTY=<*> ; PWD=<*> ; USER=root ; COMMAND=<*>"),
            ("A10", lambda r: "New session %s of user %s." % (num(r, 1, 9999), user(r)),
             "New session <*> of user <*>."),
            ("A11", lambda r: "Removed session %s." % num(r, 1, 9999), "Removed session <*>."),
            ("A12", lambda r: "Invalid user %s from %s" % (user(r), host(r)), "Invalid user <*> from <*>"),
            ("A13", lambda r: "error: maximum authentication attempts exceeded for %s from %s port %s ssh2 [preauth]"
             % (user(r), ip(r), num(r, 1024, 65535)),
             "error: maximum authentication attempts exceeded for <*> from <*> port <*> ssh2 [preauth]"),
            ("A14", lambda r: "password changed for %s" % user(r), "password changed for <*>"),
        ],
        "proxy": [
            ("P1", lambda r: "%s - %s:%s open through proxy %s:%s HTTPS" % (prog(r), host(r), num(r, 80, 9999), host(r), num(r, 80, 9999)),
             "<*> - <*> open through proxy <*> HTTPS"),
            ("P2", lambda r: "%s - %s:%s close, %s bytes sent, %s bytes received, lifetime %s"
             % (prog(r), host(r), num(r, 80, 9999), num(r), num(r), duration(r)),
             "<*> - <*> close, <*> bytes sent, <*> bytes received, lifetime <*>"),
            ("P3", lambda r: "%s - %s:%s error : Could not connect to proxy %s:%s - connection attempt failed with error %s"
             % (prog(r), host(r), num(r, 80, 9999), host(r), num(r, 80, 9999), num(r, 10000, 11000)),
             "<*> - <*> error : Could not connect to proxy <*> - connection attempt failed with error <*>"),
            ("P4", lambda r: "%s - %s:%s open directly" % (prog(r), host(r), num(r, 80, 9999)), "<*> - <*> open directly"),
            ("P5", lambda r: "%s - %s:%s close, %s bytes received, lifetime %s" % (prog(r), host(r), num(r, 80, 9999), num(r), duration(r)),
             "<*> - <*> close, <*> bytes received, lifetime <*>"),
        ],
        "web": [
            ("W1", lambda r: '%s - - "%s %s HTTP/1.1" %s %s "-" "%s"'
             % (ip(r), r.choice(["GET", "POST", "PUT"]), path(r), r.choice(["200", "201", "304"]), num(r), user_agent(r)),
             '<*> - - "<*> <*> HTTP/1.1" <*> <*> "-" "<*>"'),
            ("W2", lambda r: 'upstream timed out (110: Connection timed out) while reading response header from upstream, client: %s, server: %s, request: "GET %s HTTP/1.1", upstream: "http://%s:%s%s"'
             % (ip(r), host(r), path(r), ip(r), num(r, 80, 9999), path(r)),
             'upstream timed out (110: Connection timed out) while reading response header from upstream, client: <*>, server: <*>, request: "GET <*> HTTP/1.1", upstream: "<*>"'),
            ("W3", lambda r: 'open() "%s" failed (2: No such file or directory), client: %s, server: %s'
             % (path(r), ip(r), host(r)),
             'open() "<*>" failed (2: No such file or directory), client: <*>, server: <*>'),
            ("W4", lambda r: "%s %s returned %s in %s ms" % (r.choice(["GET", "POST"]), path(r), r.choice(["200", "404", "500"]), num(r, 1, 5000)),
             "<*> <*> returned <*> in <*> ms"),
            ("W5", lambda r: 'level=info msg="request completed" method=%s path=%s status=%s duration=%sms'
             % (r.choice(["GET", "POST"]), path(r), r.choice(["200", "404"]), num(r, 1, 900)),
             'level=info msg="request completed" method=<*> path=<*> status=<*> duration=<*>'),
            ("W6", lambda r: 'level=warn msg="slow request" method=%s path=%s duration=%ss user=%s'
             % (r.choice(["GET", "POST"]), path(r), flt(r), user(r)),
             'level=warn msg="slow request" method=<*> path=<*> duration=<*> user=<*>'),
            ("W7", lambda r: 'level=error msg="handler failed" error="%s"' % sentence(r),
             'level=error msg="handler failed" error="<*>"'),
        ],
        "java": [
            ("J1", lambda r: "Started %s in %s seconds (JVM running for %s)" % (camel(r) + "Application", flt(r), flt(r)),
             "Started <*> in <*> seconds (JVM running for <*>)"),
            ("J2", lambda r: "at %s.%s(%s.java:%s)" % (java_class(r), r.choice(WORDS), camel(r), num(r, 1, 900)),
             "at <*>"),
            ("J3", lambda r: "Exception in thread \"%s\" java.lang.%s: %s"
             % (r.choice(["main", "worker", "scheduler", "pool-1-thread-%d" % r.randint(1, 9)]),
                r.choice(["IllegalStateException", "NullPointerException", "IllegalArgumentException", "RuntimeException"]),
                sentence(r)),
             'Exception in thread "<*>" <*>: <*>'),
            ("J4", lambda r: "Request %s completed in %sms with status %s" % (uuid(r), num(r, 1, 900), r.choice(["200", "404", "500"])),
             "Request <*> completed in <*> with status <*>"),
            ("J5", lambda r: "User %s logged in from %s" % (user(r), ip(r)), "User <*> logged in from <*>"),
            ("J6", lambda r: "Cache %s evicted %s entries" % (r.choice(WORDS), num(r)), "Cache <*> evicted <*> entries"),
            ("J7", lambda r: "Connection %s@%s marked as broken because of SQLSTATE(08006), ErrorCode(0)"
             % ("org.postgresql.jdbc.PgConnection", hexid(r, 8)),
             "Connection <*> marked as broken because of SQLSTATE(08006), ErrorCode(0)"),
            ("J8", lambda r: "Scheduled task %s took %s ms" % (r.choice(WORDS) + "Job", num(r, 1, 99999)),
             "Scheduled task <*> took <*> ms"),
            ("J9", lambda r: "Failed to process message %s: %s" % (uuid(r), sentence(r)), "Failed to process message <*>: <*>"),
            ("J10", lambda r: "Caused by: java.net.%s: %s" % (r.choice(["ConnectException", "SocketTimeoutException", "UnknownHostException"]), sentence(r)),
             "Caused by: <*>: <*>"),
        ],
        "kube": [
            ("K1", lambda r: 'Pulling image "%s/%s:%s"' % (r.choice(["docker.io", "ghcr.io", "quay.io"]), r.choice(WORDS), "1.%d.%d" % (r.randint(0, 30), r.randint(0, 9))),
             'Pulling image "<*>"'),
            ("K2", lambda r: 'Successfully pulled image "%s:%s" in %s' % (r.choice(WORDS), "1.%d" % r.randint(0, 30), "%.3fs" % (r.random() * 30)),
             'Successfully pulled image "<*>" in <*>'),
            ("K3", lambda r: "Created container %s" % r.choice(WORDS + ["istio-proxy", "init-db", "sidecar", "app"]), "Created container <*>"),
            ("K4", lambda r: "Started container %s" % r.choice(WORDS + ["istio-proxy", "init-db", "sidecar", "app"]), "Started container <*>"),
            ("K5", lambda r: "Back-off restarting failed container %s in pod %s-%s_%s(%s)"
             % (r.choice(WORDS), r.choice(WORDS), hexid(r, 5), r.choice(["default", "prod", "staging", "monitoring"]), uuid(r)),
             "Back-off restarting failed container <*> in pod <*>"),
            ("K6", lambda r: 'Liveness probe failed: Get "http://%s:%s/healthz": context deadline exceeded' % (ip(r), num(r, 80, 9999)),
             'Liveness probe failed: Get "<*>": context deadline exceeded'),
            ("K7", lambda r: "Readiness probe failed: HTTP probe failed with statuscode: %s" % r.choice(["500", "503", "404"]),
             "Readiness probe failed: HTTP probe failed with statuscode: <*>"),
            ("K8", lambda r: "Scaled up replica set %s-%s to %s" % (r.choice(WORDS), hexid(r, 9), num(r, 1, 20)),
             "Scaled up replica set <*> to <*>"),
            ("K9", lambda r: "Scaled down replica set %s-%s to %s" % (r.choice(WORDS), hexid(r, 9), num(r, 0, 20)),
             "Scaled down replica set <*> to <*>"),
            ("K10", lambda r: 'MountVolume.SetUp succeeded for volume "%s"' % r.choice(WORDS + ["config", "secrets", "data"]),
             'MountVolume.SetUp succeeded for volume "<*>"'),
            ("K11", lambda r: "Successfully assigned %s/%s-%s to %s" % (r.choice(["default", "prod", "staging"]), r.choice(WORDS), hexid(r, 5), host(r)),
             "Successfully assigned <*> to <*>"),
            ("K12", lambda r: "Stopping container %s" % r.choice(WORDS), "Stopping container <*>"),
        ],
        "db": [
            ("D1", lambda r: "duration: %s ms  statement: %s" % (flt(r), sql(r)), "duration: <*> ms statement: <*>"),
            ("D2", lambda r: "connection received: host=%s port=%s" % (ip(r), num(r, 1024, 65535)), "connection received: host=<*> port=<*>"),
            ("D3", lambda r: "connection authorized: user=%s database=%s" % (user(r), r.choice(WORDS)), "connection authorized: user=<*> database=<*>"),
            ("D4", lambda r: "disconnection: session time: %d:%02d:%06.3f user=%s database=%s host=%s port=%s"
             % (r.randint(0, 9), r.randint(0, 59), r.random() * 60, user(r), r.choice(WORDS), ip(r), num(r, 1024, 65535)),
             "disconnection: session time: <*> user=<*> database=<*> host=<*> port=<*>"),
            ("D5", lambda r: 'automatic vacuum of table "%s.public.%s": index scans: %s' % (r.choice(WORDS), r.choice(WORDS), num(r, 0, 9)),
             'automatic vacuum of table "<*>": index scans: <*>'),
            ("D6", lambda r: "checkpoint complete: wrote %s buffers (%s%%); %s WAL file(s) added, %s removed, %s recycled; write=%s s, sync=%s s, total=%s s"
             % (num(r), flt(r), num(r, 0, 9), num(r, 0, 9), num(r, 0, 9), flt(r), flt(r), flt(r)),
             "checkpoint complete: wrote <*> buffers (<*>); <*> WAL file(s) added, <*> removed, <*> recycled; write=<*> s, sync=<*> s, total=<*> s"),
            ("D7", lambda r: 'relation "%s" does not exist at character %s' % (r.choice(WORDS), num(r, 1, 300)),
             'relation "<*>" does not exist at character <*>'),
            ("D8", lambda r: "could not receive data from client: Connection reset by peer", "could not receive data from client: Connection reset by peer"),
            ("D9", lambda r: "deadlock detected", "deadlock detected"),
            ("D10", lambda r: 'password authentication failed for user "%s"' % user(r), 'password authentication failed for user "<*>"'),
            ("D11", lambda r: 'database "%s" does not exist' % r.choice(WORDS), 'database "<*>" does not exist'),
        ],
        "kernel": [
            ("N1", lambda r: "usb %d-%d: new high-speed USB device number %s using ehci-pci" % (r.randint(1, 4), r.randint(1, 8), num(r, 1, 99)),
             "usb <*>: new high-speed USB device number <*> using ehci-pci"),
            ("N2", lambda r: "EXT4-fs (%s): mounted filesystem with ordered data mode. Opts: (null)" % r.choice(["sda1", "sdb2", "nvme0n1p1", "dm-0"]),
             "EXT4-fs (<*>): mounted filesystem with ordered data mode. Opts: (null)"),
            ("N3", lambda r: "Out of memory: Killed process %s (%s) total-vm:%skB, anon-rss:%skB, file-rss:0kB"
             % (num(r), r.choice(["java", "postgres", "chrome", "python", "node", "mysqld", "redis"]), num(r), num(r)),
             "Out of memory: Killed process <*> (<*>) total-vm:<*>, anon-rss:<*>, file-rss:<*>"),
            ("N4", lambda r: "%s: link up, 1000 Mbps, full duplex" % r.choice(["eth0", "eth1", "enp3s0", "eno1"]), "<*>: link up, 1000 Mbps, full duplex"),
            ("N5", lambda r: "%s: link down" % r.choice(["eth0", "eth1", "enp3s0", "eno1"]), "<*>: link down"),
            ("N6", lambda r: 'audit: type=1400 audit(%d.%03d:%d): apparmor="DENIED" operation="open" profile="%s" name="%s" pid=%s comm="%s"'
             % (r.randint(1600000000, 1700000000), r.randint(0, 999), r.randint(1, 999), r.choice(WORDS), path(r), num(r), r.choice(WORDS)),
             'audit: type=1400 audit(<*>): apparmor="DENIED" operation="open" profile="<*>" name="<*>" pid=<*> comm="<*>"'),
            ("N7", lambda r: "%s[%s]: segfault at %s ip %s sp %s error 4 in %s[%s+%s]"
             % (r.choice(["java", "nginx", "python3", "node"]), num(r), hexid(r, 12), hexid(r, 12), hexid(r, 12), r.choice(["libc-2.31.so", "libssl.so.1.1"]), hexid(r, 12), hexid(r, 5)),
             "<*>: segfault at <*> ip <*> sp <*> error 4 in <*>"),
            ("N8", lambda r: "CPU%d: Core temperature above threshold, cpu clock throttled (total events = %s)" % (r.randint(0, 15), num(r)),
             "<*>: Core temperature above threshold, cpu clock throttled (total events = <*>)"),
            ("N9", lambda r: "TCP: request_sock_TCP: Possible SYN flooding on port %s. Sending cookies.  Check SNMP counters." % num(r, 80, 9999),
             "TCP: request_sock_TCP: Possible SYN flooding on port <*>. Sending cookies. Check SNMP counters."),
            ("N10", lambda r: "nfs: server %s not responding, still trying" % host(r), "nfs: server <*> not responding, still trying"),
            ("N11", lambda r: "nfs: server %s OK" % host(r), "nfs: server <*> OK"),
        ],
    }


def main():
    out, seed = sys.argv[1], int(sys.argv[2])
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    os.makedirs(out, exist_ok=True)
    for fam, events in families().items():
        r = random.Random("%s-%d" % (fam, seed))
        # Zipf-like event frequencies, order shuffled per seed.
        order = events[:]
        r.shuffle(order)
        weights = [1.0 / (k + 1) ** 1.1 for k in range(len(order))]
        with open(os.path.join(out, fam + ".log"), "w") as log, \
                open(os.path.join(out, fam + "_structured.csv"), "w", newline="") as st:
            w = csv.writer(st)
            w.writerow(["LineId", "EventId", "EventTemplate"])
            for i in range(1, lines + 1):
                name, gen, template = r.choices(order, weights)[0]
                log.write(gen(r) + "\n")
                w.writerow([i, name, template])


if __name__ == "__main__":
    main()
