"""Shared fixtures: the test PKI of the office and the councils, and report runs made once per session.

Everything is real: keys made with `cryptography`, NSS databases made with certutil, runs of
`python -m pipeline report` with LibreOffice. What several modules need is made once per session:

* `office_pki` – a CA, the office's certificate (PKCS#12) and an NSS database trusting the CA
  (for pdfsig); `office_pki.env` is what a run needs to sign with it;
* `council_pki` – a second CA (the councils') and one poppler signer per council signatory;
* `issued_runs` – a report of a workbook built in code, made once; every test that asks for it gets
  the run's folders exactly as the run left them (restored in place, same paths, same file times),
  so tests may sign, edit and rerun without seeing each other's changes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import pki
from tests.helpers_run import SAMPLE, cli
from tests.pki import COUNCILS, MORE_SIGNATORIES
from tests.wb import make_workbook, minimal_rows, open_rows

WEB = Path(__file__).parent / "web"


def pytest_collection_modifyitems(config, items) -> None:
    """The web package first (the longest group, see `pytest_xdist_make_scheduler`), then the files with slow
    tests, otherwise in their order: with one test process per core (`make test`), the long groups start at once
    and the short ones fill the end, instead of one long group running alone while the other cores wait
    (`--no-loadscope-reorder` keeps this order)."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (WEB not in item.path.parents, item.path not in slow))


@pytest.hookimpl(optionalhook=True)  # `pytest -p no:xdist` knows no such hook
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, but the whole web package is one group: its server, browser and finished run (package
    fixtures) are made once, not again in each process that gets one of its files. (xdist's own `loadgroup` with
    an `xdist_group` mark per item stopped grouping with pytest 9.2: pytest-xdist issue 1386.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    try:
        web = WEB.relative_to(config.rootpath).as_posix() + "/"
    except ValueError:  # the tests collected from another root: xdist's own loadfile
        return None

    class FilesAndWebPackage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "web" if nodeid.startswith(web) else nodeid.split("::", 1)[0]

    return FilesAndWebPackage(config, log)


# ---------------------------------------------------------------- PKI


@dataclass(frozen=True)
class OfficePKI:
    ca: pki.TestCA
    p12: Path
    passphrase: bytes
    nss: str
    """An NSS database trusting `ca` (pdfsig -nssdir)."""
    dir: Path

    @property
    def env(self) -> dict[str, str]:
        """What `python -m pipeline report` needs to sign with the office's certificate."""
        return {"IKZ_SIGNATUR_ZERTIFIKAT": str(self.p12), "IKZ_SIGNATUR_PASSWORT": self.passphrase.decode()}


@dataclass(frozen=True)
class CouncilPKI:
    ca: pki.TestCA
    signers: dict[str, pki.PopplerSigner]
    """By the signatory's name: an NSS database with that certificate (signs with poppler's pdfsig)."""

    def __getitem__(self, name: str) -> pki.PopplerSigner:
        return self.signers[name]

    @property
    def councils(self) -> list[pki.PopplerSigner]:
        """The signers of COUNCILS, in that order."""
        return [self.signers[name] for name, _ in COUNCILS]


@pytest.fixture(scope="session")
def office_pki(tmp_path_factory) -> OfficePKI:
    d = tmp_path_factory.mktemp("office-pki")
    ca = pki.make_ca(d, cn="Kreis-CA")
    p12 = pki.make_p12(ca, d / "ikz.p12", "IKZ-Geschäftsstelle Test", b"geheim", key_type="rsa")
    return OfficePKI(ca=ca, p12=p12, passphrase=b"geheim", nss=pki.nss_db(d / "nss", ca.pem), dir=d)


@pytest.fixture(scope="session")
def council_pki(tmp_path_factory) -> CouncilPKI:
    d = tmp_path_factory.mktemp("council-pki")
    ca = pki.make_ca(d, cn="Rats-CA", filename="rats-ca.pem")
    signers = {cn: pki.poppler_signer(d / f"nss{i}", ca, cn, org)
               for i, (cn, org) in enumerate(COUNCILS + MORE_SIGNATORIES)}
    return CouncilPKI(ca=ca, signers=signers)


# ---------------------------------------------------------------- report runs


@dataclass(frozen=True)
class Issued:
    """A report run's folders: the workbook, --outputs, --state and the run's output folder."""

    wb: Path
    out: Path
    state: Path
    folder: Path
    stdout: str


class IssuedRuns:
    """Report runs made once per session, handed out as they were right after the run.

    The run happens in `<name>/work`, a copy is kept in `<name>/pristine`; each later request
    replaces `work` by that copy (file times kept: the no-change check compares them). The paths
    stay the same, so what the manifest records (the workbook's path, the certificate) holds.
    """

    def __init__(self, base: Path):
        self.base = base
        self._made: dict[str, str] = {}

    def fresh(self, name: str, workbook_name: str, workbook: dict | Path | Callable[[], dict],
              env: dict[str, str] | None, *args) -> Issued:
        root = self.base / name
        work, pristine = root / "work", root / "pristine"
        wb = work / workbook_name
        if name not in self._made:
            work.mkdir(parents=True)
            if isinstance(workbook, Path):
                shutil.copy2(workbook, wb)
            else:
                make_workbook(wb, workbook() if callable(workbook) else workbook)
            result = cli("report", wb, "--outputs", work / "out", "--state", work / "state", *args, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
            shutil.copytree(work, pristine, symlinks=True)
            self._made[name] = result.stdout
        else:
            shutil.rmtree(work)
            shutil.copytree(pristine, work, symlinks=True)
        return Issued(wb=wb, out=work / "out", state=work / "state", folder=work / "out" / wb.stem,
                      stdout=self._made[name])


    def small(self, office: OfficePKI) -> Issued:
        """The small workbook (tests/wb.py: 4 Kommunen, 2 projects) reported with the office's certificate."""
        return self.fresh("klein", "klein.xlsx", minimal_rows, office.env)

    def open_round(self, office: OfficePKI) -> Issued:
        """The small workbook with the Projektauftrag REINIGUNG in its signature round, reported with the
        office's certificate."""
        return self.fresh("offen", "klein.xlsx", open_rows, office.env)

    def sample(self, office: OfficePKI) -> Issued:
        """The sample workbook (a copy of inputs/ikz-2025.xlsx) reported with the office's certificate."""
        return self.fresh("beispiel", "ikz-2025.xlsx", SAMPLE, office.env)


@pytest.fixture(scope="session")
def issued_runs(tmp_path_factory) -> IssuedRuns:
    return IssuedRuns(tmp_path_factory.mktemp("runs"))


@pytest.fixture()
def small_run(issued_runs, office_pki) -> Issued:
    return issued_runs.small(office_pki)


@pytest.fixture()
def open_round(issued_runs, office_pki) -> Issued:
    return issued_runs.open_round(office_pki)


@pytest.fixture(scope="module")
def sample_report(issued_runs, office_pki) -> Issued:
    """Restored once per module."""
    return issued_runs.sample(office_pki)
