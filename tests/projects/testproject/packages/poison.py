"""Packages that misbehave: text the databases refuse, floods of output, closed descriptors,
leftover processes, ignored signals. Each one succeeds by its own account; the worker must
survive it and record an honest outcome."""
import os
import signal
import sys
import time


def nul(context):
    context.logger.info("logged before\x00after a NUL")
    print("printed before\x00after a NUL")
    sys.stdout.flush()
    os.write(1, b"written to fd 1 before\x00after a NUL\n")


def surrogates(context):
    print("printed lone \ud800 high surrogate")
    context.logger.info("logged lone \udc80 low surrogate and \ud83d too")
    os.write(1, b"bytes that are not UTF-8: \xff\xfe\n")


def flood(context):
    """Megabytes MiB to stdout in 1 KiB lines, half through sys.stdout, half straight to fd 1,
    after one line of 1 MiB with no newline until its end."""
    sys.stdout.write("z" * (1 << 20) + "\n")
    line = "y" * 1023 + "\n"
    chunk = line * 1024                           # 1 MiB
    for n in range(context.parameters["Megabytes"]):
        if n % 2:
            sys.stdout.write(chunk)
        else:
            data = chunk.encode()
            while data:
                data = data[os.write(1, data):]
    context.logger.info("flood done")


def close_stdout(context):
    os.close(1)
    context.logger.info("logged after closing fd 1")
    print("printed after closing fd 1")
    os.write(2, b"written to fd 2 after closing fd 1\n")


def grandchild(context):
    """Forks a process that outlives the package (and holds its pipes)."""
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    context.logger.info("grandchild %d", pid)


def ignore_sigterm(context):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open("pid", "w") as f:
        f.write(str(os.getpid()))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        context.logger.info("still here")
        time.sleep(0.2)


def bad_event(context):
    """Talks to the worker behind the runtime's back: an event the worker cannot take."""
    import logging
    writer = next(h for h in logging.getLogger().handlers if hasattr(h, "_emitter"))._emitter._writer
    if context.parameters["Kind"] == "time":
        writer.send(("message", "not a time", 70, "a message with a bad time", 0))
    else:
        os.write(writer._fd, b"\xff\xff\xff\xff garbage")
    time.sleep(30)
