"""deploy/ agrees with the portal: every setting in the environment template, the upload limit
of nginx and its page, the cookie names nginx keys on, units systemd accepts."""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from benchmarks.runner import stack
from tests.conftest import _unavailable

BASE = Path(settings.BASE_DIR)
DEPLOY = BASE / "deploy"
NGINX_SITE = (DEPLOY / "nginx" / "pilkada.conf").read_text()
ENV_READ = re.compile(r"""env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)\"""")
OS_READ = re.compile(r"""os\.environ\.get\(\s*"([A-Z0-9_]+)\"""")
MIB = 1024 * 1024


def _settings_read_from_environment() -> set[str]:
    names = set()
    for module in (BASE / "pilkada" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    names |= set(OS_READ.findall((DEPLOY / "gunicorn.conf.py").read_text()))
    for unit in (DEPLOY / "systemd").glob("*.service"):
        names |= set(re.findall(r"\$\$\{([A-Z0-9_]+)", unit.read_text()))
    for script in DEPLOY.glob("*.sh"):
        names |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", script.read_text()))
    return names


def test_environment_template_names_every_setting():
    template = (DEPLOY / "pilkada.env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", template, re.MULTILINE))
    read = _settings_read_from_environment()
    assert "DATABASE_CONNECT_TIMEOUT" in read and "GUNICORN_WORKERS" in read
    assert sorted(read - listed) == []
    assert sorted(listed - read) == []


def test_nginx_upload_limit_is_the_portals_plus_room_for_the_form():
    limit_mib = settings.PILKADA_MAX_UPLOAD_BYTES // MIB
    assert limit_mib * MIB == settings.PILKADA_MAX_UPLOAD_BYTES
    assert re.findall(r"client_max_body_size (\d+)m;", NGINX_SITE) == [str(limit_mib + 1)]
    page = (DEPLOY / "nginx" / "errors" / "413.html").read_text()
    assert f"batas {limit_mib} MB" in page and f"the {limit_mib} MB limit" in page


def test_nginx_keys_on_the_portals_cookie_names():
    personal = re.search(r'map "([^"]+)" \$pilkada_personal', NGINX_SITE).group(1)
    assert personal == f"$cookie_{settings.SESSION_COOKIE_NAME}$cookie_{CookieStorage.cookie_name}"
    key = re.search(r'proxy_cache_key "([^"]+)";', NGINX_SITE).group(1)
    assert key.endswith(f"|$cookie_{settings.LANGUAGE_COOKIE_NAME}")


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    if stack.nginx_binary() is None:
        _unavailable("needs nginx (apt-get install nginx-light)")
    nginx = stack.Nginx(tmp_path, upstreams=[8001, 8002], public_dir=tmp_path / "public")
    nginx.write_config()
    checked = subprocess.run(nginx.command("-t"), capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    site = (tmp_path / "conf" / "pilkada.conf").read_text()
    assert "server 127.0.0.1:8001 max_fails" in site and "server 127.0.0.1:8002 max_fails" in site


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        _unavailable("needs systemd-analyze (systemd)")
    units = sorted((DEPLOY / "systemd").iterdir())
    for unit in units:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert "EnvironmentFile=/etc/pilkada/pilkada.env" in text, unit.name
            assert "MemoryMax=" in text, unit.name
            assert "Restart=always" in text or "Type=oneshot" in text, unit.name
        # The programs live in an installed checkout and its virtualenv, absent here.
        for program in ("/srv/pilkada/.venv/bin/gunicorn", "/srv/pilkada/.venv/bin/celery",
                        "/srv/pilkada/deploy/backup.sh"):  # fmt: skip
            text = text.replace(program, "/bin/true")
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
    checked = subprocess.run(  # noqa: S603
        [analyze, "verify", "--man=no", *(str(path) for path in sorted(tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    problems = [line for line in checked.stderr.splitlines() if str(tmp_path) in line]
    assert problems == []
    assert {unit.name for unit in units} == {
        "pilkada-web.service", "pilkada-worker@.service", "pilkada-beat.service",
        "pilkada.target", "pilkada-backup.service", "pilkada-backup.timer",
    }  # fmt: skip
    assert (DEPLOY / "gunicorn.conf.py").exists()
