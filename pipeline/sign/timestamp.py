"""The timestamp service (RFC 3161): one request per timestamp, German errors, early stop.

pyHanko asks its `TimeStamper` for tokens; `ServiceTimestamper` is one that

* says in one German sentence what went wrong, naming the service and, when the
  service refused, its own reason (PKIStatus and failInfo as a German phrase,
  its statusString verbatim): `TimestampError`;
* reads the response itself: asn1crypto's ``TimeStampResp`` wants a token even
  in a rejection (RFC 3161 2.4.2 makes it optional), so a proper refusal
  would otherwise end in a parser error;
* checks that the token answers this request (nonce and message imprint);
* gives up when another signing task of the run has failed (`cancel_on`): a
  shared event is checked before each request and while one is waiting.

One timestamper per process and service (`service`) keeps pyHanko's dummy
response (used to estimate the signature size) for all documents: one request
per signature instead of two. `check_service` fetches it once before the run
forks its workers, so they inherit it, and a dead service is found with one
request.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import hmac
from urllib.parse import urlsplit

from asn1crypto import cms, core, tsp
from pyhanko.sign.timestamps import TimeStamper

from ..errors import SigningError
from ..german import zahl
from .aio import outside_event_loop
from .config import CONFIG_FILE_NAME, SigningConfig

CONTENT_TYPE = "application/timestamp-reply"

_POLL_S = 0.1  # how often a waiting request looks whether the run was cancelled


class TimestampError(SigningError):
    """The timestamp service gave no usable timestamp (unreachable, HTTP error, timeout, refusal, garbage)."""


class SigningCancelled(SigningError):
    """Another signing task of the same run failed first; this one stopped without asking the service."""

    def __init__(self, message: str = "Abgebrochen, weil eine andere Signatur dieses Laufs fehlgeschlagen ist.",
                 location=None):
        super().__init__(message, location)


# stopping early


_cancel = None  # a multiprocessing.Event shared by the run's workers, or None


def cancel_on(event) -> None:
    """Give up this process's signing work once `event` is set; a timestamp fault sets it.

    The run's process pool calls this in each worker (initializer) with one
    shared ``multiprocessing.Event``.
    """
    global _cancel
    _cancel = event


def raise_if_cancelled() -> None:
    """SigningCancelled when another task of the run has failed (see `cancel_on`)."""
    if _cancel is not None and _cancel.is_set():
        raise SigningCancelled()


def _cancel_others() -> None:
    if _cancel is not None:
        _cancel.set()


# the service


@functools.lru_cache(maxsize=4)
def service(url: str, timeout: float) -> ServiceTimestamper:
    """The process's timestamper for `url` (it keeps the dummy response for size estimates)."""
    return ServiceTimestamper(url, timeout)


def timestamper_for(config: SigningConfig) -> ServiceTimestamper | None:
    """The timestamper of the configured service, or None without ``zeitstempel_url``."""
    if not config.timestamp_url:
        return None
    return service(config.timestamp_url, float(config.timestamp_timeout))


def check_service(config: SigningConfig) -> None:
    """Ask the configured service for one (dummy) timestamp; TimestampError when it gives none.

    Called once before signing starts; the answer is kept and used by pyHanko
    to estimate the size of every signature.
    """
    stamper = timestamper_for(config)
    if stamper is not None:
        outside_event_loop(lambda: asyncio.run(stamper.async_dummy_response("sha256")))


class ServiceTimestamper(TimeStamper):
    """RFC 3161 over HTTP (POST application/timestamp-query), see the module docstring."""

    def __init__(self, url: str, timeout: float):
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_timestamp(self, message_digest, md_algorithm) -> cms.ContentInfo:
        try:
            raise_if_cancelled()
            nonce, request = self.request_cms(message_digest, md_algorithm)
            body, content_type = await self._post_unless_cancelled(request.dump())
            return self._token(body, content_type, nonce, message_digest, md_algorithm)
        except TimestampError:
            _cancel_others()
            raise

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """pyHanko's hook: the raw response (only used by callers other than `async_timestamp`)."""
        body, _ = await self._post_unless_cancelled(req.dump())
        return tsp.TimeStampResp.load(body)

    # HTTP

    async def _post_unless_cancelled(self, body: bytes) -> tuple[bytes, str | None]:
        request = asyncio.ensure_future(self._post(body))
        while True:
            done, _ = await asyncio.wait({request}, timeout=_POLL_S)
            if done:
                return request.result()
            if _cancel is not None and _cancel.is_set():
                request.cancel()
                await asyncio.wait({request}, timeout=5)
                raise SigningCancelled()

    async def _post(self, body: bytes) -> tuple[bytes, str | None]:
        """The response body and its content type; TimestampError for anything but HTTP 200."""
        import aiohttp
        from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

        lazy = LazySession()  # aiohttp with certifi's CA list, as pyHanko's own clients use
        try:
            async with lazy.get_session().post(
                self.url, data=body, timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"Content-Type": "application/timestamp-query", "Accept": CONTENT_TYPE},
            ) as response:
                if response.status != 200:
                    raise self._http_error(response.status)
                return await response.read(), response.headers.get("Content-Type")
        except TimestampError:
            raise
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError, ValueError) as exc:
            raise self._connection_error(exc) from None
        finally:
            await lazy.close()

    # the response

    def _token(self, body: bytes, content_type: str | None, nonce, message_digest: bytes,
               md_algorithm: str) -> cms.ContentInfo:
        """The token in the response, checked against the request; TimestampError otherwise.

        The content type is not insisted on: a valid response is taken whatever its label.
        """
        try:
            response = _Response.load(body, strict=True)
            status = response["status"]
            state = status["status"].native
            strings = status["status_string"].native or []
            fail = status["fail_info"].native or set()
        except Exception:  # not DER, not a TimeStampResp
            raise self._garbage(content_type) from None
        if state not in ("granted", "granted_with_mods"):
            raise self._refusal(state, strings, fail)
        try:
            token = response["time_stamp_token"]
            if token.native is None or token["content_type"].native != "signed_data":
                raise ValueError("no token")
            info = token["content"]["encap_content_info"]["content"].parsed
            imprint = info["message_imprint"]
            sent_nonce_back = info["nonce"].native
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
        except Exception:
            raise self._garbage(content_type) from None
        if nonce is not None and sent_nonce_back != nonce:
            raise self._mismatch("der nicht zu dieser Anfrage gehört (die Nonce stimmt nicht überein)")
        if algorithm != md_algorithm or not hmac.compare_digest(digest, message_digest):
            raise self._mismatch("der für andere Daten gilt (der Hashwert stimmt nicht überein)")
        return token

    # messages

    def _fault(self, what: str, todo: str) -> TimestampError:
        return TimestampError(f"Der Zeitstempeldienst »{self.url}« {what}. {todo}")

    def _connection_error(self, exc: BaseException) -> TimestampError:
        import aiohttp

        check = f"Prüfen Sie die Internetverbindung und »zeitstempel_url« in {CONFIG_FILE_NAME}."
        later = "Versuchen Sie es später erneut."
        if isinstance(exc, TimeoutError):
            seconds = zahl(self.timeout)
            return self._fault(
                f"hat nicht innerhalb von {seconds} Sekunden geantwortet",
                f"{later} Die Wartezeit lässt sich mit »zeitstempel_wartezeit« in {CONFIG_FILE_NAME} verlängern.")
        if isinstance(exc, aiohttp.ClientConnectorDNSError):
            host = urlsplit(self.url).hostname or self.url
            return self._fault(f"ist nicht erreichbar: Der Rechnername »{host}« ist unbekannt", check)
        if isinstance(exc, aiohttp.ClientConnectorCertificateError):
            return self._fault("ist nicht erreichbar: Sein HTTPS-Zertifikat ist ungültig",
                               f"Prüfen Sie »zeitstempel_url« in {CONFIG_FILE_NAME}.")
        if isinstance(exc, aiohttp.ClientConnectorError):
            if exc.os_error.errno == errno.ECONNREFUSED:
                return self._fault("ist nicht erreichbar: Die Verbindung wurde abgelehnt", check)
            return self._fault("ist nicht erreichbar", check)
        if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionError)):
            return self._fault("hat die Verbindung ohne vollständige Antwort beendet", later)
        if isinstance(exc, (aiohttp.InvalidURL, ValueError)):
            return self._fault("ist keine gültige Adresse", f"Prüfen Sie »zeitstempel_url« in {CONFIG_FILE_NAME}.")
        return self._fault("ist nicht erreichbar", check)

    def _http_error(self, status: int) -> TimestampError:
        phrase = _HTTP_STATUS.get(status) or ("Anfrage abgelehnt" if status < 500 else "Fehler beim Dienst")
        if status in (404, 405) or status < 400:
            todo = f"Prüfen Sie »zeitstempel_url« in {CONFIG_FILE_NAME}."
        elif status in (401, 403):
            todo = "Der Dienst verlangt eine Anmeldung oder sperrt den Zugriff; wenden Sie sich an seinen Betreiber."
        else:
            todo = "Versuchen Sie es später erneut."
        return self._fault(f"hat mit HTTP-Status {status} geantwortet ({phrase})", todo)

    def _garbage(self, content_type: str | None) -> TimestampError:
        kind = (content_type or "").split(";")[0].strip()
        shown = f", sondern »{kind[:60]}«" if kind and kind.lower() != CONTENT_TYPE else ""
        return self._fault(
            f"hat keine gültige Zeitstempel-Antwort nach RFC 3161 geschickt{shown}",
            f"Prüfen Sie, ob »zeitstempel_url« in {CONFIG_FILE_NAME} die Adresse eines Zeitstempeldienstes ist.")

    def _refusal(self, state, strings: list[str], fail: set[str]) -> TimestampError:
        what = "hat die Anfrage abgelehnt" if state == "rejection" else "hat keinen Zeitstempel ausgestellt"
        details = [] if state == "rejection" else [f"Status: {_STATUS.get(state, state)}"]
        if fail:
            reasons = [phrase for bit, phrase in _FAIL_INFO.items() if bit in fail]
            reasons += sorted(str(bit) for bit in fail if bit not in _FAIL_INFO)
            details.append("Grund: " + ", ".join(reasons))
        text = " / ".join(line for line in (" ".join(str(s).split()) for s in strings) if line)
        if text:
            details.append(f"Meldung des Dienstes: »{text}«")
        if details:
            what += f" ({'; '.join(details)})"
        return self._fault(what, "Wenden Sie sich an den Betreiber des Dienstes oder tragen Sie in "
                                 f"{CONFIG_FILE_NAME} einen anderen »zeitstempel_url« ein.")

    def _mismatch(self, what: str) -> TimestampError:
        return TimestampError(
            f"Der Zeitstempeldienst »{self.url}« hat einen Zeitstempel geschickt, {what}. "
            "Es wurde nichts unterschrieben. Versuchen Sie es erneut; tritt der Fehler wieder auf, "
            "wenden Sie sich an den Betreiber des Dienstes.")


class _Response(core.Sequence):
    """TimeStampResp as RFC 3161 defines it: the token is optional (absent in a refusal)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


_STATUS = {  # PKIStatus (RFC 3161 2.4.2) other than granted and rejection
    "waiting": "Anfrage noch in Bearbeitung",
    "revocation_warning": "Widerruf seines Zertifikats steht bevor",
    "revocation_notification": "sein Zertifikat wurde widerrufen",
}

_FAIL_INFO = {  # PKIFailureInfo (RFC 3161 2.4.2)
    "bad_alg": "Hash-Algorithmus nicht unterstützt",
    "bad_request": "Anfrage nicht erlaubt oder nicht unterstützt",
    "bad_data_format": "Anfrage fehlerhaft",
    "time_not_available": "Zeitquelle des Dienstes nicht verfügbar",
    "unaccepted_policy": "verlangte Zeitstempel-Richtlinie nicht unterstützt",
    "unaccepted_extensions": "Erweiterung der Anfrage nicht unterstützt",
    "add_info_not_available": "verlangte Zusatzinformation nicht verfügbar",
    "system_failure": "Systemfehler beim Dienst",
}

_HTTP_STATUS = {
    400: "fehlerhafte Anfrage",
    401: "Anmeldung erforderlich",
    403: "Zugriff verweigert",
    404: "Adresse nicht gefunden",
    405: "Methode nicht erlaubt",
    408: "Zeitüberschreitung",
    413: "Anfrage zu groß",
    415: "Anfrageformat nicht unterstützt",
    429: "zu viele Anfragen",
    500: "interner Fehler des Dienstes",
    502: "Fehler eines vorgeschalteten Servers",
    503: "Dienst vorübergehend nicht verfügbar",
    504: "Zeitüberschreitung eines vorgeschalteten Servers",
}
