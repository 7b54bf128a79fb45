"""``vaxel serve`` as an operator runs it: a subprocess on a free port, on SQLite and on
PostgreSQL (a database of its own, dropped after), set up from nothing with the bootstrap
commands, signed in to over HTTP; and settings that are wrong stop it with exit code 2 and
a message naming the setting."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from vaxel.settings import ServeSettings, SettingsError, load_settings

pytestmark = pytest.mark.slow

PG_BASE = os.environ.get(
    "VAXEL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "ett-langt-losenord"
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**settings: str) -> dict[str, str]:
    """The test's environment without any VAXEL_* of the machine, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAXEL_")}
    return env | settings


def vaxel(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaxel", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vaxel.db'}"
        return
    name = f"vaxel_serve_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield str(sa.engine.make_url(PG_BASE).set(database=name).render_as_string(False))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def wait_until_ready(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"vaxel serve exited with {process.returncode}: {output}")
        try:
            httpx.get(f"{base}/login", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("vaxel serve did not answer within 60 s")


def set_cookie(response: httpx.Response, name: str) -> tuple[str, str]:
    """(value, attributes in lower case) of the Set-Cookie header for ``name``."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            value, _, attributes = header.partition(";")
            return value.split("=", 1)[1], attributes.lower()
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers}")


def test_serve_from_an_empty_database_to_a_signed_in_admin(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The file holds the database and port; the environment adds the password — as in a
    # container with a shared file and a secret in the environment.
    config = tmp_path / "vaxel.toml"
    config.write_text(f'database_url = "{database_url}"\nhttp_port = {port}\n', encoding="utf-8")
    env = clean_env(VAXEL_CONFIG=str(config))
    sip = database_url.startswith("sqlite")  # telephony on in one of the two runs
    serve_env = env | ({"VAXEL_SIP_PORT": str(free_port())} if sip else {})

    added = vaxel(
        "tenant",
        "add",
        "exempelby",
        "--name",
        "Exempelby kommun",
        "--main-number",
        "010-1234500",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    admin = vaxel(
        "user", "add", "exempelby", "admin", "--role", "tenant_admin",
        env=env | {"VAXEL_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert admin.returncode == 0, admin.stderr
    key = vaxel("apikey", "add", "exempelby", "--name", "crm", "--scope", "read", env=env)
    assert key.returncode == 0, key.stderr
    api_key = key.stdout.strip()
    assert len(api_key) >= 40 and "\n" not in api_key  # the key alone on stdout
    again = vaxel("tenant", "add", "exempelby", "--name", "Igen", env=env)
    assert again.returncode == 1 and "exists already" in again.stderr

    process = subprocess.Popen(
        [sys.executable, "-m", "vaxel", "serve"],
        env=serve_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_ready(process, base)
        with httpx.Client(base_url=base, timeout=10, follow_redirects=False) as client:
            page = client.get("/login")
            assert page.status_code == 200
            for name, value in SECURITY_HEADERS.items():
                assert page.headers[name] == value
            policy = page.headers["content-security-policy"]
            assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
            assert page.headers["strict-transport-security"].startswith("max-age=")
            assert "server" not in page.headers
            login_csrf, attributes = set_cookie(page, "vaxel_login_csrf")
            assert "secure" in attributes and "httponly" in attributes
            form_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert form_csrf is not None
            # Secure cookies travel only over HTTPS; a TLS proxy sits in front in production,
            # so the test carries them by hand over plain HTTP.
            signed_in = client.post(
                "/login",
                data={
                    "organisation": "exempelby",
                    "username": "admin",
                    "password": PASSWORD,
                    "csrf": form_csrf.group(1),
                },
                headers={"Cookie": f"vaxel_login_csrf={login_csrf}"},
            )
            assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
            session, attributes = set_cookie(signed_in, "vaxel_session")
            assert "secure" in attributes
            assert "httponly" in attributes
            assert "samesite=lax" in attributes
            home = client.get("/", headers={"Cookie": f"vaxel_session={session}"})
            assert home.status_code in (200, 303), home.text[:300]
            if home.status_code == 303:
                assert home.headers["location"] != "/login"
            assert home.headers["x-frame-options"] == "DENY"
            # No demo accounts on a production server.
            demo = client.post(
                "/login",
                data={
                    "organisation": "exempelby",
                    "username": "chef",
                    "password": "demo-chef",
                    "csrf": form_csrf.group(1),
                },
                headers={"Cookie": f"vaxel_login_csrf={login_csrf}"},
            )
            assert demo.status_code == 401 and 'role="alert"' in demo.text
            # The printed key opens the API; no simulated traffic fills the queues.
            queues = client.get("/api/v1/queues", headers={"X-API-Key": api_key})
            assert queues.status_code == 200 and queues.json() == []
            assert client.get("/api/v1/agents", headers={"X-API-Key": "fel"}).status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)  # as systemd and docker stop it
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert process.returncode == 0, output
    assert "Växel stoppad." in output, output
    assert "händelser återlästa" in output and "Redo." in output, output
    assert ("SIP: 127.0.0.1:" in output) == sip, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"VAXEL_HTTP_PORT": "abc"}, "VAXEL_HTTP_PORT must be a port number 1–65535, got 'abc'"),
        ({"VAXEL_HTTP_PORT": "0"}, "VAXEL_HTTP_PORT must be a port number 1–65535, got '0'"),
        (
            {"VAXEL_SIP_PORT": "70000"},
            "VAXEL_SIP_PORT must be a port number 1–65535 or 'off', got '70000'",
        ),
        ({"VAXEL_SECURE_COOKIES": "kanske"}, "VAXEL_SECURE_COOKIES must be true or false"),
        ({"VAXEL_DATABASE_URL": "mysql://db/vaxel"}, "VAXEL_DATABASE_URL must name SQLite"),
        ({"VAXEL_DATABASE_URL": "inte en url"}, "VAXEL_DATABASE_URL must be a database URL"),
        ({"VAXEL_PUBLIC_URL": "ftp://x"}, "VAXEL_PUBLIC_URL must be an http(s) address"),
        ({"VAXEL_PUBLIC_URL": "http://vaxel.example.se"}, "secure cookies are on"),
        ({"VAXEL_SIP_TRUSTED": "10.0.0.1,sbc"}, "VAXEL_SIP_TRUSTED must list IP addresses"),
        ({"VAXEL_CONFIG": "/finns/inte.toml"}, "cannot read the settings file /finns/inte.toml"),
    ],
)
def test_wrong_settings_stop_serve_with_code_2_and_say_which(
    settings: dict[str, str], message: str
) -> None:
    result = vaxel("serve", env=clean_env(**settings))
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_settings_file_toml_and_yaml_and_the_environment_wins(tmp_path: Path) -> None:
    toml = tmp_path / "vaxel.toml"
    toml.write_text(
        'http_port = 9000\nsip_port = "off"\nsip_trusted = ["192.0.2.10"]\n'
        'public_url = "https://vaxel.example.se/"\n',
        encoding="utf-8",
    )
    settings = load_settings(toml, {"VAXEL_HTTP_PORT": "9001"})
    assert settings == ServeSettings(
        http_port=9001,
        sip_port=None,
        sip_trusted=("192.0.2.10",),
        public_url="https://vaxel.example.se",
    )
    assert settings.secure_cookies  # on unless switched off
    yaml = tmp_path / "vaxel.yaml"
    yaml.write_text("sip_port: 5070\nsecure_cookies: false\n", encoding="utf-8")
    assert load_settings(yaml, {}) == ServeSettings(sip_port=5070, secure_cookies=False)
    (tmp_path / "bad.toml").write_text("htp_port = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'htp_port'"):
        load_settings(tmp_path / "bad.toml", {})
    with pytest.raises(SettingsError, match=r"http_port \(in .*vaxel.yaml\) must be a port"):
        (tmp_path / "vaxel.yaml").write_text("http_port: true\n", encoding="utf-8")
        load_settings(tmp_path / "vaxel.yaml", {})


def test_bootstrap_commands_refuse_bad_input_with_the_reason(tmp_path: Path) -> None:
    env = clean_env(VAXEL_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    bad_id = vaxel("tenant", "add", "Exempel By", "--name", "X", env=env)
    assert bad_id.returncode == 2 and "lower-case" in bad_id.stderr
    bad_number = vaxel("tenant", "add", "exempel", "--name", "X", "--main-number", "12", env=env)
    assert bad_number.returncode == 2 and "--main-number" in bad_number.stderr
    no_tenant = vaxel(
        "user", "add", "finns-inte", "admin", "--role", "tenant_admin",
        env=env | {"VAXEL_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert no_tenant.returncode == 1 and "vaxel tenant add" in no_tenant.stderr
    assert vaxel("tenant", "add", "exempel", "--name", "Exempel", env=env).returncode == 0
    short = vaxel(
        "user", "add", "exempel", "admin", "--role", "tenant_admin",
        env=env | {"VAXEL_PASSWORD": "kort"},
    )  # fmt: skip
    assert short.returncode == 2 and "at least 8" in short.stderr
    no_tenant_key = vaxel("apikey", "add", "finns-inte", "--name", "x", "--scope", "read", env=env)
    assert no_tenant_key.returncode == 1


def test_telephony_serves_each_tenants_number_with_its_flow_and_its_extensions(
    tmp_path: Path,
) -> None:
    import yaml

    from vaxel.app import directory_from_database
    from vaxel.demo import FLOW_FILE
    from vaxel.runtime import ContactCenter
    from vaxel.runtime.extensions import PhoneExtension
    from vaxel.runtime.opening_hours import OpeningHours, TenantHours
    from vaxel.schedule import Calendar, schedule_from_dict
    from vaxel.sim.demo_tenant import demo_schedule
    from vaxel.store import Documents, Tenant, Tenants, open_database, upgrade

    database = open_database(f"sqlite:///{tmp_path / 'tel.db'}")
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby", "+46101234500"))
    Tenants(database).add(Tenant("trasig", "Trasig", "+46109999999"))
    Tenants(database).add(Tenant("utan-nummer", "Utan nummer"))
    flow = yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8"))
    Documents(database, "flow").put("exempelby", "huvudflode", "Huvudflöde", flow)
    schedule = demo_schedule()
    Documents(database, "schedule").put("exempelby", str(schedule["id"]), "Kontorstid", schedule)
    Documents(database, "flow").put("trasig", "fel", "Fel", {"id": "fel", "nodes": {}})
    phone = PhoneExtension("exempelby", "1003", "Maria", "sip-losen", "maria", ("kundtjanst",))
    Documents(database, "extension").put("exempelby", "1003", "Maria", phone.document())
    no_password = PhoneExtension("exempelby", "1004", "Utan lösenord")
    Documents(database, "extension").put("exempelby", "1004", "X", no_password.document())

    stored = Documents(database, "schedule")
    hours = OpeningHours(
        ContactCenter(database),
        lambda tid: Calendar([schedule_from_dict(s) for s in stored.all(tid).values()]),
    )
    directory = directory_from_database(
        database, ("192.0.2.10",), lambda tid: TenantHours(hours, tid)
    )
    assert set(directory.numbers) == {"+46101234500", "0101234500"}  # the broken flow is left out
    service = directory.numbers["0101234500"]
    assert service.tenant_id == "exempelby" and service.flow.flow_id == flow["id"]
    assert isinstance(service.hours.is_open("kontorstid", time.time()), bool)
    assert set(directory.extensions) == {"1003"}  # no password: cannot register
    maria = directory.extensions["1003"]
    assert (maria.tenant_id, maria.agent_id, maria.auto_login_queues) == (
        "exempelby",
        "maria",
        ("kundtjanst",),
    )
    assert directory.trusted_sources == frozenset({"192.0.2.10"})
