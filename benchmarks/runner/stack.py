"""The deployment of deploy/ on loopback: gunicorn with deploy/gunicorn.conf.py, nginx with
deploy/nginx/pilkada.conf and a self-signed certificate. Used by `make bench` (proxy.py) and by
the tests in tests/deploy/, so both run the configuration an operator installs.

`render_site` replaces the site-specific values of pilkada.conf (host name, certificate, ports,
paths, upstream servers); each must still be in the file, so a changed configuration fails
loudly instead of silently testing something else.
"""

import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings

HOST = "127.0.0.1"
DEPLOY_DIR = Path(settings.BASE_DIR) / "deploy"
NGINX_BINARIES = ("/usr/sbin/nginx", "nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI_INCLUDE = "    include snippets/pilkada-brotli.conf;\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    for candidate in NGINX_BINARIES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f} s")


def stop_group(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with start_new_session=True and everything it started."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A one-day certificate for 127.0.0.1 and localhost, made now with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def client_context(cert: Path, *, alpn: tuple[str, ...] = ("http/1.1",)) -> ssl.SSLContext:
    """TLS for a client that trusts exactly the test certificate (HTTP/1.1 unless asked)."""
    context = ssl.create_default_context(cafile=str(cert))
    context.set_alpn_protocols(list(alpn))
    return context


def render_site(
    *,
    upstreams: list[int],
    https_port: int,
    http_port: int,
    cert: Path,
    key: Path,
    cache_dir: Path,
    public_dir: Path,
    brotli: bool,
    extra_locations: str = "",
) -> str:
    """deploy/nginx/pilkada.conf with this machine's values (see the module docstring)."""
    text = (DEPLOY_DIR / "nginx" / "pilkada.conf").read_text()
    servers = "\n    ".join(
        f"server {HOST}:{port} max_fails=1 fail_timeout=5s;" for port in upstreams
    )
    replacements = {
        "server 127.0.0.1:8000 max_fails=1 fail_timeout=5s;": servers,
        "listen 80;\n    listen [::]:80;": f"listen {HOST}:{http_port};",
        "listen 443 ssl http2;\n    listen [::]:443 ssl http2;": (
            f"listen {HOST}:{https_port} ssl http2;"
        ),
        "server_name pilkada.example.go.id;": "server_name 127.0.0.1 localhost;",
        "/etc/letsencrypt/live/pilkada.example.go.id/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/pilkada.example.go.id/privkey.pem": str(key),
        "/var/cache/nginx/pilkada": str(cache_dir),
        "/srv/pilkada/public;": f"{public_dir};",
        "/srv/pilkada/deploy/nginx/errors/": f"{DEPLOY_DIR / 'nginx' / 'errors'}/",
        "    location / {\n": extra_locations + "    location / {\n",
    }  # fmt: skip
    if not brotli:
        replacements[BROTLI_INCLUDE] = ""
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"deploy/nginx/pilkada.conf no longer contains {old!r}")
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx with the repository's configuration, in its own prefix folder."""

    def __init__(self, workdir: Path, *, upstreams: list[int], public_dir: Path, extra=""):
        self.workdir = workdir
        self.upstreams = upstreams
        self.public_dir = public_dir
        self.extra = extra
        self.process: subprocess.Popen | None = None
        self.https_port = free_port()
        self.http_port = free_port()
        self.brotli = BROTLI_MODULE.exists()

    @property
    def base_url(self) -> str:
        return f"https://{HOST}:{self.https_port}"

    def write_config(self) -> Path:
        conf = self.workdir / "conf"
        (conf / "snippets").mkdir(parents=True, exist_ok=True)
        for snippet in (DEPLOY_DIR / "nginx" / "snippets").glob("*.conf"):
            shutil.copy(snippet, conf / "snippets" / snippet.name)
        self.cert, self.key = self_signed_certificate(self.workdir)
        site = render_site(
            upstreams=self.upstreams,
            https_port=self.https_port,
            http_port=self.http_port,
            cert=self.cert,
            key=self.key,
            cache_dir=self.workdir / "cache",
            public_dir=self.public_dir,
            brotli=self.brotli,
            extra_locations=self.extra,
        )
        (conf / "pilkada.conf").write_text(site)
        temp = self.workdir / "temp"
        temp.mkdir(exist_ok=True)
        lines = []
        if self.brotli:
            lines.append(f"load_module {BROTLI_MODULE};")
        if os.geteuid() == 0:
            # Workers would drop to `nobody`, which cannot enter pytest's private temp folders.
            lines.append("user root;")
        lines += [
            "worker_processes 1;",
            f"pid {self.workdir / 'nginx.pid'};",
            f"error_log {self.workdir / 'error.log'} warn;",
            "events { worker_connections 1024; }",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            "    sendfile on;",
            "    tcp_nopush on;",
            "    keepalive_timeout 65;",
            f"    access_log {self.workdir / 'access.log'};",
            *(f"    {name}_temp_path {temp / name};" for name in ("client_body", "proxy")),
            *(f"    {name}_temp_path {temp / name};" for name in ("fastcgi", "uwsgi", "scgi")),
            "    include pilkada.conf;",
            "}",
        ]
        main = conf / "nginx.conf"
        main.write_text("\n".join(lines) + "\n")
        return main

    def command(self, *args: str) -> list[str]:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        return [binary, "-p", str(self.workdir), "-c", "conf/nginx.conf", *args]

    def start(self) -> None:
        self.write_config()
        checked = subprocess.run(self.command("-t"), capture_output=True, text=True)  # noqa: S603
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self.command("-g", "daemon off;"),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "stderr.log").open("wb"),
        )
        wait_for_port(self.https_port, self.process, "nginx")

    def stop(self) -> None:
        stop_group(self.process, signal.SIGQUIT)

    def error_log(self) -> str:
        log = self.workdir / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""


def production_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of deploy/pilkada.env.example, for processes on loopback."""
    env = dict(os.environ)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(
        PILKADA_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def collect_static(env: Mapping[str, str], static_root: Path) -> None:
    """collectstatic into static_root (nginx serves it; whitenoise's manifest needs it)."""
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**env, "STATIC_ROOT": str(static_root)},
        check=True,
    )


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port."""

    def __init__(self, env: Mapping[str, str], log: Path, *, workers: int = 2):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"{HOST}:{self.port}", "GUNICORN_WORKERS": str(workers)}
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--config", str(DEPLOY_DIR / "gunicorn.conf.py"),
            "pilkada.wsgi",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=settings.BASE_DIR, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for_port(self.port, self.process, "gunicorn", timeout=60)
        # Listening is not answering: the workers import Django after the bind.
        deadline = time.monotonic() + 60
        # As nginx would ask: over HTTPS (X-Forwarded-Proto), else the portal redirects.
        probe = urllib.request.Request(  # noqa: S310 - our own http URL
            f"{self.base_url}/robots.txt", headers={"X-Forwarded-Proto": "https"}
        )
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(probe, timeout=5)  # noqa: S310
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole instance (master and workers), as a lost machine would."""
        stop_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        stop_group(self.process)

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
