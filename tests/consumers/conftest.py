"""Starts the real `masthead serve` on port 0 with a fresh data directory, once per run."""

import os
import re
import signal
import subprocess
import tempfile
import urllib.request

import pytest

BINARY = os.environ.get("MASTHEAD_BIN", "target/debug/masthead")


class Site:
    def __init__(self, url):
        self.url = url

    def fetch(self, path, headers=None):
        """GETs `path` and returns (status, headers, body bytes)."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def site():
    with tempfile.TemporaryDirectory(prefix="masthead-consumers-") as data_dir:
        server = subprocess.Popen(
            [BINARY, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--log", "warn"],
            stdout=subprocess.PIPE,
            text=True,
        )
        url = None
        for line in server.stdout:
            match = re.search(r" at (http://\S+?)/?$", line)
            if match:
                url = match.group(1)
                break
        assert url, "masthead did not print its address"
        try:
            yield Site(url)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
