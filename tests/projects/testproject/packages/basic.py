"""Test packages. Each takes the runtime's context."""
import hashlib
import logging
import os
import subprocess
import sys
import time


def noop(context):
    pass


def first_line(context):
    context.logger.info("first line")


def hello(context):
    for i in range(1, context.parameters["Lines"] + 1):
        context.logger.info("line %d of %d", i, context.parameters["Lines"])
    print("printed to stdout")
    subprocess.run([sys.executable, "-c", "print('from a subprocess')"], check=True)
    logging.getLogger("other").warning("a warning in %s", context.parameters["Environment"])


def flaky(context):
    context.logger.info("attempt %d of %d", context.attempt, context.max_attempts)
    if context.attempt < context.parameters["SucceedOnAttempt"]:
        raise RuntimeError(f"failing on attempt {context.attempt} on purpose")


def fail(context):
    context.logger.info("about to fail")
    raise ValueError("this package always fails")


def sleep(context):
    deadline = time.monotonic() + context.parameters["Seconds"]
    n = 0
    with open("pid", "w") as f:
        f.write(str(os.getpid()))
    while time.monotonic() < deadline:
        n += 1
        context.logger.info("tick %d", n)
        time.sleep(context.parameters["Interval"])
    context.logger.info("done after %d ticks", n)


def secret(context):
    key = context.parameters["ApiKey"]
    context.logger.info("using a key of %d characters, sha256 %s", len(key),
                        hashlib.sha256(key.encode()).hexdigest())


def settings(context):
    key = context.parameters["ApiKey"]
    context.logger.info("environment %s, key sha256 %s", context.parameters["Environment"],
                        hashlib.sha256(key.encode()).hexdigest())
