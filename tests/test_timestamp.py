"""Timestamp service faults: one German message naming the service, and a run that stops at the first.

Every service here is a real HTTP server on localhost (http.server in a
thread) that answers as a broken or refusing RFC 3161 service would: a closed
port, HTTP 500, garbage, a proper rejection, a token for another request, no
answer at all. The signer is called directly (fast), and `python -m pipeline
report` runs on a small workbook in a subprocess as staff would run it.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from asn1crypto import core, tsp

from pipeline import sign
from pipeline.errors import SigningError
from pipeline.sign import SigningCancelled, SigningConfig, TimestampError
from pipeline.sign import timestamp as ts
from tests import pki
from tests.helpers_run import cli
from tests.pki import FakeService, serve
from tests.wb import make_workbook

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 2  # seconds, »zeitstempel_wartezeit« of these tests

# English library words that must never reach a user (statusString aside, which is the service's own text).
ENGLISH = re.compile(r"\b(the|error|failed|timeout|timed|refused|server|request|response|insufficient|"
                     r"exception|traceback|asn1crypto|aiohttp|pyhanko)\b", re.I)


# ---------------------------------------------------------------- fake services


class _Rejection(core.Sequence):
    """TimeStampResp without a token, as RFC 3161 sends a refusal."""

    _fields = [("status", tsp.PKIStatusInfo)]


def rejection(status: str = "rejection", text: list[str] | None = None, fail: set[str] | None = None) -> bytes:
    info: dict = {"status": status}
    if text is not None:
        info["status_string"] = text
    if fail is not None:
        info["fail_info"] = tsp.PKIFailureInfo(fail)
    return _Rejection({"status": info}).dump()


def closed_port_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def _token_for_other_request(stamper, change):
    """A real token, but for a changed copy of the request (other nonce or other digest)."""
    def answer(body):
        request = tsp.TimeStampReq.load(body)
        native = request.native
        change(native)
        return 200, "application/timestamp-reply", stamper.request_tsa_response(tsp.TimeStampReq(native)).dump()
    return answer


def _other_nonce(request):
    request["nonce"] = request["nonce"] + 1


def _other_digest(request):
    request["message_imprint"]["hashed_message"] = bytes(32)


# The fault cases: (answer, expected message after the service's URL).
REFUSED = "ist nicht erreichbar: Die Verbindung wurde abgelehnt. " \
          "Prüfen Sie die Internetverbindung und »zeitstempel_url« in ikz-signatur.toml."
HTTP_500 = "hat mit HTTP-Status 500 geantwortet (interner Fehler des Dienstes). Versuchen Sie es später erneut."
GARBAGE = "hat keine gültige Zeitstempel-Antwort nach RFC 3161 geschickt. " \
          "Prüfen Sie, ob »zeitstempel_url« in ikz-signatur.toml die Adresse eines Zeitstempeldienstes ist."
HTML = "hat keine gültige Zeitstempel-Antwort nach RFC 3161 geschickt, sondern »text/html«. " \
       "Prüfen Sie, ob »zeitstempel_url« in ikz-signatur.toml die Adresse eines Zeitstempeldienstes ist."
REJECTED = "hat die Anfrage abgelehnt (Grund: Hash-Algorithmus nicht unterstützt; " \
           "Meldung des Dienstes: »Zeitstempeldienst gesperrt«). Wenden Sie sich an den Betreiber des Dienstes " \
           "oder tragen Sie in ikz-signatur.toml einen anderen »zeitstempel_url« ein."
TIMED_OUT = f"hat nicht innerhalb von {TIMEOUT} Sekunden geantwortet. Versuchen Sie es später erneut. " \
            "Die Wartezeit lässt sich mit »zeitstempel_wartezeit« in ikz-signatur.toml verlängern."
OTHER_NONCE = "hat einen Zeitstempel geschickt, der nicht zu dieser Anfrage gehört (die Nonce stimmt nicht " \
              "überein). Es wurde nichts unterschrieben. Versuchen Sie es erneut; tritt der Fehler wieder auf, " \
              "wenden Sie sich an den Betreiber des Dienstes."
OTHER_DIGEST = "hat einen Zeitstempel geschickt, der für andere Daten gilt (der Hashwert stimmt nicht " \
               "überein). Es wurde nichts unterschrieben. Versuchen Sie es erneut; tritt der Fehler wieder auf, " \
               "wenden Sie sich an den Betreiber des Dienstes."

FAULTS = {
    "refused": (None, REFUSED),
    "http500": (lambda body: (500, "text/plain", b"Internal Server Error"), HTTP_500),
    "garbage": (lambda body: (200, "application/timestamp-reply", b"\x30\x82\xff\xffgarbage"), GARBAGE),
    "html": (lambda body: (200, "text/html", b"<html><body>Welcome</body></html>"), HTML),
    "rejection": (lambda body: (200, "application/timestamp-reply",
                                rejection(text=["Zeitstempeldienst gesperrt"], fail={"bad_alg"})), REJECTED),
    "hang": (lambda body: None, TIMED_OUT),
    "nonce": ("nonce", OTHER_NONCE),
    "digest": ("digest", OTHER_DIGEST),
}


@contextlib.contextmanager
def fault_service(case: str, stamper, valid_first: int = 0):
    """(URL, FakeService or None) of the fault `case`."""
    answer, _ = FAULTS[case]
    if answer is None:
        yield closed_port_url(), None
        return
    if answer == "nonce":
        answer = _token_for_other_request(stamper, _other_nonce)
    elif answer == "digest":
        answer = _token_for_other_request(stamper, _other_digest)
    service = FakeService(answer, stamper, valid_first)
    with serve(service) as url:
        yield url, service


def expected(case: str, url: str) -> str:
    return f"Der Zeitstempeldienst »{url}« {FAULTS[case][1]}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ca = pki.make_ca(d)
    p12 = pki.make_p12(ca, d / "ikz.p12", "IKZ-Geschäftsstelle Test", b"geheim", key_type="ec")
    return dict(dir=d, ca=ca, p12=p12, stamper=pki.dummy_stamper(ca))


@pytest.fixture(autouse=True)
def fresh_timestampers():
    """Every test starts without cached timestampers (their dummy responses) and without a stop event."""
    ts.service.cache_clear()
    ts.cancel_on(None)
    yield
    ts.service.cache_clear()
    ts.cancel_on(None)


def config(env, url: str, timeout: float = TIMEOUT) -> SigningConfig:
    return SigningConfig(env["p12"], b"geheim", timestamp_url=url, timestamp_timeout=timeout)


def sign_one(env, tmp_path, url: str, timeout: float = TIMEOUT, name: str = "out.pdf") -> Path:
    pdf = tmp_path / "in.pdf"
    if not pdf.exists():
        pki.make_pdf(pdf)
    out = tmp_path / name
    sign.sign_pdf(pdf, out, config(env, url, timeout), reason="Freigabe", location="Raunheim")
    return out


# ---------------------------------------------------------------- the signer, fault by fault


@pytest.mark.parametrize("case", list(FAULTS))
def test_each_fault_is_one_german_sentence_naming_the_service(env, tmp_path, case, caplog, capfd):
    with fault_service(case, env["stamper"]) as (url, service):
        with pytest.raises(TimestampError) as info:
            sign_one(env, tmp_path, url)
    error = info.value
    assert isinstance(error, SigningError)
    assert str(error) == expected(case, url)  # no file location: the fault is the service's
    assert "\n" not in str(error)
    assert not ENGLISH.search(str(error).replace(url, "")), str(error)
    assert sorted(os.listdir(tmp_path)) == ["in.pdf"]  # nothing half-written
    assert service is None or service.requests == 1  # one request, then it gave up
    assert [r for r in caplog.records if r.levelname in ("WARNING", "ERROR", "CRITICAL")] == []
    out, err = capfd.readouterr()
    assert out == err == ""  # no library log line, no traceback


# Signs in a network namespace of its own, where the only name server (127.0.0.1:53, in this process)
# answers every query »no such name« (NXDOMAIN): the answer a real resolver gives for an unknown host,
# whatever the machine's own DNS does (answers, is unreachable, or drops the query).
_UNKNOWN_NAME_CHILD = """
import fcntl, socket, struct, sys, threading
from pathlib import Path

probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # the loopback interface up (SIOCGIFFLAGS, SIOCSIFFLAGS)
flags = struct.unpack("16sH14s", fcntl.ioctl(probe, 0x8913, struct.pack("16sH14s", b"lo", 0, b"")))[1]
fcntl.ioctl(probe, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(("127.0.0.1", 53))

def nxdomain():
    while True:
        query, sender = server.recvfrom(4096)
        end = 12
        while query[end]:
            end += query[end] + 1
        header = query[:2] + (0x8000 | (int.from_bytes(query[2:4], "big") & 0x7900) | 0x0080 | 3).to_bytes(2, "big")
        server.sendto(header + b"\\x00\\x01" + bytes(6) + query[12:end + 5], sender)

threading.Thread(target=nxdomain, daemon=True).start()
from pipeline import sign
p12, url, out = sys.argv[1:]
try:
    sign.sign_pdf(Path(out).with_name("in.pdf"), Path(out), sign.SigningConfig(Path(p12), b"geheim", timestamp_url=url,
                  timestamp_timeout=120), reason="Freigabe", location="Raunheim")
except sign.TimestampError as exc:
    print(exc)
"""


def test_unknown_host(env, tmp_path):
    url = "http://zeitstempel.invalid/tsa"  # .invalid never resolves (RFC 2606)
    pki.make_pdf(tmp_path / "in.pdf")
    (tmp_path / "resolv.conf").write_text("nameserver 127.0.0.1\n", encoding="ascii")
    (tmp_path / "nsswitch.conf").write_text("hosts: files dns\n", encoding="ascii")
    command = [sys.executable, "-c", _UNKNOWN_NAME_CHILD, str(env["p12"]), url, str(tmp_path / "out.pdf")]
    result = subprocess.run(
        ["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c",
         f'mount --bind "{tmp_path}/resolv.conf" /etc/resolv.conf && '
         f'mount --bind "{tmp_path}/nsswitch.conf" /etc/nsswitch.conf && exec "$@"', "sh", *command],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Der Zeitstempeldienst »{url}« ist nicht erreichbar: Der Rechnername »zeitstempel.invalid« ist unbekannt. "
        "Prüfen Sie die Internetverbindung und »zeitstempel_url« in ikz-signatur.toml.")
    assert sorted(os.listdir(tmp_path)) == ["in.pdf", "nsswitch.conf", "resolv.conf"]  # nothing written


@pytest.mark.parametrize("status, text, fail, reason", [
    ("rejection", None, None, "hat die Anfrage abgelehnt. "),
    ("rejection", ["Policy not accepted", "Kontakt: tsa@example.org"], {"unaccepted_policy", "system_failure"},
     "hat die Anfrage abgelehnt (Grund: verlangte Zeitstempel-Richtlinie nicht unterstützt, Systemfehler beim "
     "Dienst; Meldung des Dienstes: »Policy not accepted / Kontakt: tsa@example.org«). "),
    ("waiting", None, None, "hat keinen Zeitstempel ausgestellt (Status: Anfrage noch in Bearbeitung). "),
    ("revocation_notification", ["Zertifikat\nwiderrufen"], {"bad_request"},
     "hat keinen Zeitstempel ausgestellt (Status: sein Zertifikat wurde widerrufen; "
     "Grund: Anfrage nicht erlaubt oder nicht unterstützt; Meldung des Dienstes: »Zertifikat widerrufen«). "),
])
def test_refusal_reason_in_german_and_the_services_own_text_verbatim(env, tmp_path, status, text, fail, reason):
    service = FakeService(lambda body: (200, "application/timestamp-reply", rejection(status, text, fail)),
                          env["stamper"])
    with serve(service) as url, pytest.raises(TimestampError) as info:
        sign_one(env, tmp_path, url)
    assert str(info.value).startswith(f"Der Zeitstempeldienst »{url}« {reason}")
    assert "\n" not in str(info.value)


def test_one_request_per_signature_with_a_working_service(env, tmp_path):
    service = FakeService(None, env["stamper"], valid_first=100)
    with serve(service) as url:
        sign.check_service(config(env, url))  # the run's probe: its answer serves every size estimate
        assert service.requests == 1
        signed = [sign_one(env, tmp_path, url, name=f"s{i}.pdf") for i in range(3)]
        assert service.requests == 4
    report = sign.verify(signed[0], [env["ca"].pem])
    assert report.fields[0].timestamped and report.fields[0].intact


def test_check_service_reports_the_fault_before_any_signing(env):
    with fault_service("rejection", env["stamper"]) as (url, service):
        with pytest.raises(TimestampError) as info:
            sign.check_service(config(env, url))
    assert str(info.value) == expected("rejection", url)
    sign.check_service(SigningConfig(env["p12"], b"geheim"))  # no service configured: nothing to check


def test_a_fault_stops_the_other_workers_and_a_waiting_request_gives_up(env, tmp_path):
    import multiprocessing

    stop = multiprocessing.get_context("fork").Event()
    ts.cancel_on(stop)
    with fault_service("http500", env["stamper"]) as (url, _):
        with pytest.raises(TimestampError):
            sign_one(env, tmp_path, url)
    assert stop.is_set()  # the failing worker tells the others
    with pytest.raises(SigningCancelled):
        sign.raise_if_cancelled()

    # a request that waits for a hanging service gives up as soon as another worker failed
    stop.clear()
    hanging = FakeService(lambda body: None, env["stamper"])
    outcome = []

    def work():
        try:
            sign_one(env, tmp_path, hang_url, timeout=60, name="h.pdf")
        except SigningError as exc:
            outcome.append(exc)

    with serve(hanging) as hang_url:
        worker = threading.Thread(target=work)
        worker.start()
        assert hanging.hanging.wait(300)  # the request is at the service, which does not answer
        stop.set()
        worker.join()
    # given up because of the stop: a request that ran into its 60 s limit would be a TimestampError
    assert len(outcome) == 1 and isinstance(outcome[0], SigningCancelled), outcome
    assert hanging.requests == 1
    assert not (tmp_path / "h.pdf").exists()


def test_the_example_in_the_signature_docs_is_what_a_refusal_prints():
    docs = (ROOT / "docs" / "SIGNATUR.md").read_text(encoding="utf-8")
    assert f"Fehler: {expected('rejection', 'https://zeitstempel.example/tsa')}\n" in docs


def test_timeout_setting_in_the_config_file(tmp_path):
    config_file = tmp_path / "ikz-signatur.toml"
    config_file.write_text('zertifikat = "a.p12"\nzeitstempel_url = "https://tsa.example/"\n'
                           'zeitstempel_wartezeit = 2.5\n', encoding="utf-8")
    assert sign.load_config(config_file, {}).timestamp_timeout == 2.5
    config_file.write_text('zertifikat = "a.p12"\n', encoding="utf-8")
    assert sign.load_config(config_file, {}).timestamp_timeout == 30
    for bad in ("0", '"30"', "true", "601"):
        config_file.write_text(f'zertifikat = "a.p12"\nzeitstempel_wartezeit = {bad}\n', encoding="utf-8")
        with pytest.raises(SigningError, match="»zeitstempel_wartezeit« muss eine Anzahl Sekunden sein"):
            sign.load_config(config_file, {})


# ---------------------------------------------------------------- `python -m pipeline report`


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below `folder`, but the lock file (it holds the last run's pid)."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*")) if not p.name.endswith(".lock")}


@pytest.fixture(scope="module")
def project(env, tmp_path_factory):
    """A small workbook built once with a working timestamp service (the outputs the faults must not touch)."""
    d = tmp_path_factory.mktemp("projekt")
    workbook = make_workbook(d / "ikz-test.xlsx")
    out, state = d / "outputs", d / "state"
    service = FakeService(None, env["stamper"], valid_first=10_000)
    with serve(service) as url:
        result = report(d, env, workbook, out, state, url)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = out / "ikz-test"
    import json

    tasks = len(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["entries"])
    assert tasks >= 4  # several documents and bundles for two workers
    assert service.requests == tasks + 1  # the probe, then one per signature
    return dict(dir=d, workbook=workbook, out=out, state=state, folder=folder, tasks=tasks)


def report(d: Path, env, workbook: Path, out: Path, state: Path, url: str, jobs: int = 2):
    config_file = d / f"signatur-{abs(hash(url))}.toml"
    config_file.write_text(f'zertifikat = "{env["p12"]}"\nzeitstempel_url = "{url}"\n'
                           f"zeitstempel_wartezeit = {TIMEOUT}\n", encoding="utf-8")
    return cli("report", workbook, "--outputs", out, "--state", state, "--config", config_file, "-j", jobs,
               env={"IKZ_SIGNATUR_PASSWORT": "geheim"})


def assert_one_message_exit_3(result, message: str, url: str):
    output = result.stdout + result.stderr
    assert result.returncode == 3, output  # README: the environment failed (like certificate or LibreOffice)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler")]
    assert errors == [f"Fehler: {message}"], output
    assert output.count(message) == 1 and output.count(url) == 1, output  # once, however many workers failed
    assert "Traceback" not in output
    assert not ENGLISH.search(output.replace(url, "")), output
    assert result.stdout == ""  # no summary: nothing was finished


@pytest.mark.slow  # report runs
@pytest.mark.parametrize("case", ["refused", "http500", "garbage", "rejection", "hang", "nonce"])
def test_report_with_a_faulty_service(env, project, case):
    before = snapshot(project["out"])
    with fault_service(case, env["stamper"]) as (url, service):
        result = report(project["dir"], env, project["workbook"], project["out"], project["state"], url)
    assert_one_message_exit_3(result, expected(case, url), url)
    assert service is None or service.requests == 1  # the probe found it; no worker asked again
    assert snapshot(project["out"]) == before  # previous outputs untouched, nothing half-written left


@pytest.mark.slow  # report runs
def test_service_failing_during_the_run_stops_every_worker(env, project):
    """The probe succeeds, then the service hangs: the two workers' requests are the last ones."""
    before = snapshot(project["out"])
    service = FakeService(lambda body: None, env["stamper"], valid_first=1)
    with serve(service) as url:
        result = report(project["dir"], env, project["workbook"], project["out"], project["state"], url)
        requests = service.requests
    assert_one_message_exit_3(result, expected("hang", url), url)
    # 1 probe + at most one request in flight per worker; without the stop, every task would ask
    assert 2 <= requests <= 1 + 2 < 1 + project["tasks"]
    assert snapshot(project["out"]) == before


@pytest.mark.slow  # report runs
def test_service_refusing_during_the_run_is_reported_once(env, project):
    """Several workers meet the same refusal: still one message."""
    before = snapshot(project["out"])
    refusal = rejection(text=["Kontingent erschöpft"], fail={"system_failure"})
    service = FakeService(lambda body: (200, "application/timestamp-reply", refusal), env["stamper"], valid_first=1)
    with serve(service) as url:
        result = report(project["dir"], env, project["workbook"], project["out"], project["state"], url)
    message = (f"Der Zeitstempeldienst »{url}« hat die Anfrage abgelehnt (Grund: Systemfehler beim Dienst; "
               "Meldung des Dienstes: »Kontingent erschöpft«). Wenden Sie sich an den Betreiber des Dienstes "
               "oder tragen Sie in ikz-signatur.toml einen anderen »zeitstempel_url« ein.")
    assert_one_message_exit_3(result, message, url)
    assert service.requests <= 1 + 2
    assert snapshot(project["out"]) == before
